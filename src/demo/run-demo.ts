// `homedata demo`: one pod server with the fixture population, the broker and live gateways, on localhost.
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateFixtureSet } from '../fixtures/index.ts';
import { startPodServerThread, type AccessControlSystem } from '../pod/server.ts';
import type { Logger } from '../logging.ts';
import { ConfigError } from '../errors.ts';
import {
  IDENTITIES_FILE,
  MANIFEST_FILE,
  readIdentities,
  writeJsonFile,
  type DemoIdentities,
  type DemoManifest,
} from './demo-files.ts';
import { provisionFixtures } from './provision-fixtures.ts';

export interface DemoOptions {
  dataDir: string;
  podPort: number;
  brokerPort: number;
  homes: number;
  /** How many homes get a live, simulator-fed gateway. */
  liveHomes: number;
  /** The pod server's authorization system (default WAC); homedata finds it by discovery either way. */
  access?: AccessControlSystem;
  /**
   * Also run a prio3 request end to end: the helper aggregator as its own process, gateways writing reports,
   * residents granting both aggregators, and a council run through leader and helper.
   */
  privateAggregation?: boolean;
}

/** A running demo. */
export interface RunningDemo {
  manifest: DemoManifest;
  manifestPath: string;
  /** The resident and council pages. */
  pages: { resident: string; council: string };
  stop(): Promise<void>;
}

/** The public manifest, built from the identities made so far (it carries no client secrets). */
function manifestOf(
  identities: Pick<DemoIdentities, 'podServer' | 'residents' | 'broker' | 'councils'> &
    Partial<Pick<DemoIdentities, 'gateways'>>,
  areaOf: Map<string, string>,
  broker: string | null,
  ready = false,
  privateAggregation?: DemoManifest['privateAggregation'],
): DemoManifest {
  return {
    ...(privateAggregation === undefined ? {} : { privateAggregation }),
    podServer: identities.podServer,
    broker,
    residents: identities.residents.map((resident) => ({
      email: resident.email,
      password: resident.password,
      webId: resident.webId,
      pod: resident.pod,
      area: areaOf.get(resident.home) ?? '',
    })),
    gateways: (identities.gateways ?? []).map((gateway) => ({ webId: gateway.webId, home: gateway.home })),
    brokerWebId: identities.broker.webId,
    councils: identities.councils,
    ready,
  };
}

/** Starts the whole demo and writes `DATA_DIR/demo.json`; idempotent over restarts with the same data folder. */
export async function runDemo(options: DemoOptions, log: Logger): Promise<RunningDemo> {
  const dataDir = resolve(options.dataDir);
  const saved = await readIdentities(dataDir);
  if (saved && new URL(saved.podServer).port !== String(options.podPort)) {
    throw new ConfigError(
      `The demo data in ${dataDir} was made for pod port ${new URL(saved.podServer).port}; ` +
        `start with --pod-port ${new URL(saved.podServer).port} or use another --data-dir`,
      { dataDir },
    );
  }
  const accessControl = options.access ?? 'wac';
  // A pod's access control documents are WAC ACLs or ACP ACRs from its first day: CSS cannot switch a folder over.
  if (saved && (saved.access ?? 'wac') !== accessControl) {
    throw new ConfigError(
      `The demo data in ${dataDir} was made for --access ${saved.access ?? 'wac'}; ` +
        `start with --access ${saved.access ?? 'wac'} or use another --data-dir`,
      { dataDir },
    );
  }
  const podsDir = join(dataDir, 'pods');
  const freshServer = await access(podsDir).then(
    () => false,
    () => true,
  );
  // The demo provisions its fixture residents through the account API, so its (loopback-only) server is open.
  // On its own thread, so that the broker and gateways started beside it get the machine's other core.
  const pods = await startPodServerThread({
    dataDir: podsDir,
    port: options.podPort,
    registration: 'open',
    access: accessControl,
  });
  log.info({ url: pods.url, access: accessControl }, 'pod server listening on loopback');
  const stops: (() => Promise<void>)[] = [() => pods.stop()];
  const stop = async () => {
    for (const step of stops.reverse())
      await step().catch((error) => log.warn({ err: error }, 'stop failed'));
  };
  try {
    const fixtures = generateFixtureSet({ homes: options.homes });
    const identitiesPath = join(dataDir, IDENTITIES_FILE);
    const areaOf = new Map(fixtures.homes.map((home) => [home.id, home.area]));
    const manifestPath = join(dataDir, MANIFEST_FILE);
    const identities = await provisionFixtures(pods.url, fixtures, saved, log, {
      freshServer,
      access: accessControl,
      // The pods and residents' logins are usable now: say so at once; the gateways follow, then the broker's URL.
      onResidentsReady: (residents, broker) =>
        writeJsonFile(
          manifestPath,
          manifestOf({ podServer: pods.url, residents, broker, councils: [] }, areaOf, null),
        ),
    });
    identities.access = accessControl;
    await writeJsonFile(identitiesPath, identities);
    await writeJsonFile(manifestPath, manifestOf(identities, areaOf, null));
    // Loaded only now: their imports (express, PGlite, MQTT) would hold the pods back by a second or more.
    const [{ seedFixtureHistory }, demoBroker, { startDemoGateways }] = await Promise.all([
      import('./seed-history.ts'),
      import('./demo-broker.ts'),
      import('./demo-gateways.ts'),
    ]);
    const { answerAsResidents, ensureCouncils, ensureFixtureRequest, ensureHomes, startDemoBroker } =
      demoBroker;
    // Last winter's summaries and the broker's set-up (councils, enrolment, the residents' answers) need nothing
    // of each other, so they go side by side: the pod server's thread serves the one while this one runs the other.
    const seeding = identities.historySeeded
      ? Promise.resolve()
      : seedFixtureHistory(
          fixtures,
          fixtures.homes.map((home, index) => ({
            home,
            pod: identities.residents[index]!.pod,
            gateway: identities.gateways[index]!,
          })),
        ).then((documents) => {
          log.info({ documents }, 'gateways wrote the fixture period’s daily summaries');
          identities.historySeeded = true;
        });
    // Rejections are taken where the seeding is awaited; this only keeps an early one from being reported unhandled.
    seeding.catch(() => undefined);

    const prio3 = options.privateAggregation ? await import('./demo-private-aggregation.ts') : undefined;
    const helper = prio3 && (await prio3.startDemoHelper(dataDir, pods.url, identities, log));
    if (helper) stops.push(() => helper.stop());
    const broker = await startDemoBroker(
      dataDir,
      options.brokerPort,
      identities,
      log.child({ part: 'broker' }),
      helper?.leaderConfig,
    );
    stops.push(() => broker.stop());
    identities.councils = await ensureCouncils(broker, fixtures, identities);
    // The operator's step before residents consent: only enrolled homes count (one dwelling, one home).
    log.info({ enrolled: await ensureHomes(broker, identities, areaOf) }, 'fixture homes enrolled');
    await writeJsonFile(identitiesPath, identities);
    if (!identities.demoRequestId) {
      const requestId = await ensureFixtureRequest(broker, fixtures, identities.councils[0]!.apiKey);
      const granted = await answerAsResidents(broker, fixtures, identities, requestId);
      log.info({ granted }, 'fixture residents answered the demo request');
      identities.demoRequestId = requestId;
      await writeJsonFile(identitiesPath, identities);
    }
    await seeding;
    await writeJsonFile(identitiesPath, identities);

    // With private aggregation, the live gateways poll the broker's prio3 tasks and write their homes' reports.
    const gateways = await startDemoGateways(
      dataDir,
      fixtures,
      identities,
      options.liveHomes,
      log,
      prio3 ? broker.url : undefined,
    );
    stops.push(() => Promise.all(gateways.map((gateway) => gateway.stop())).then(() => undefined));

    if (prio3 && helper && !identities.prio3) {
      const apiKey = identities.councils[0]!.apiKey;
      const body = {
        ...demoBroker.fixtureRequest(fixtures),
        title: 'Damp and cold homes, winter 2026 (private aggregation)',
        aggregation: 'prio3' as const,
      };
      const requestId = await ensureFixtureRequest(broker, fixtures, apiKey, body);
      const granted = await answerAsResidents(broker, fixtures, identities, requestId);
      const fixtureReports = await prio3.writeDemoReports(
        broker,
        fixtures,
        identities,
        requestId,
        gateways.length,
      );
      const reports = fixtureReports + (await prio3.reportsOfLiveGateways(gateways));
      const runId = await prio3.runAsCouncil(broker, requestId, apiKey);
      log.info(
        { granted, reports, runId },
        'prio3 request answered, reported on and run through leader and helper',
      );
      identities.prio3 = { requestId, runId };
      await writeJsonFile(identitiesPath, identities);
    }

    // The last write: everything the manifest names is running.
    const manifest = manifestOf(
      identities,
      areaOf,
      broker.url,
      true,
      helper && identities.helper && identities.prio3
        ? { helper: helper.url, helperWebId: identities.helper.webId, ...identities.prio3 }
        : undefined,
    );
    await writeJsonFile(manifestPath, manifest);
    const pages = { resident: `${broker.url}resident/`, council: `${broker.url}council/` };
    return { manifest, manifestPath, pages, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
