// `homedata demo`: one pod server with the fixture population, the broker and live gateways, on localhost.
import { join, resolve } from 'node:path';
import { generateFixtureSet } from '../fixtures/index.ts';
import type { RunningBroker } from '../broker/index.ts';
import { prepareBrokerDatabase } from '../broker/database-thread.ts';
import { startPodServerThread, type AccessControlSystem } from '../pod/server.ts';
import type { Logger } from '../logging.ts';
import { ConfigError } from '../errors.ts';
import { pathExists } from '../path-exists.ts';
import {
  BROKER_DB_FOLDER,
  IDENTITIES_FILE,
  MANIFEST_FILE,
  readIdentities,
  writeJsonFile,
  type DemoIdentities,
  type DemoManifest,
} from './demo-files.ts';
import { provisionFixtures } from './provision-fixtures.ts';
import type { DemoHelper } from './demo-private-aggregation.ts';

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
  const freshServer = !(await pathExists(podsDir));
  // The demo provisions its fixture residents through the account API, so its (loopback-only) server is open.
  // On its own thread, so that the broker and gateways started beside it get the machine's other core.
  const pods = await startPodServerThread({
    dataDir: podsDir,
    port: options.podPort,
    registration: 'open',
    access: accessControl,
  });
  log.info({ url: pods.url, access: accessControl }, 'pod server listening on loopback');
  // A first start makes the broker's database on a thread of its own while the pods are made: PGlite's first start
  // holds its thread for seconds, which here would stop the requests that keep the pod server busy.
  const brokerDbDir = join(dataDir, BROKER_DB_FOLDER);
  const brokerDatabase = (await pathExists(brokerDbDir))
    ? Promise.resolve()
    : prepareBrokerDatabase(brokerDbDir);
  // Rejections are taken where it is awaited; this only keeps an early one from being reported unhandled.
  brokerDatabase.catch(() => undefined);
  const stops: (() => Promise<void>)[] = [() => pods.stop()];
  const stop = async () => {
    for (const step of stops.reverse())
      await step().catch((error) => log.warn({ err: error }, 'stop failed'));
  };
  let brokerSide: Promise<BrokerSide> | undefined;
  try {
    const fixtures = generateFixtureSet({ homes: options.homes });
    const identitiesPath = join(dataDir, IDENTITIES_FILE);
    const areaOf = new Map(fixtures.homes.map((home) => [home.id, home.area]));
    const manifestPath = join(dataDir, MANIFEST_FILE);
    const startSide = (own: Pick<DemoIdentities, 'broker' | 'helper'>) => {
      brokerSide = brokerDatabase.then(() => startBrokerSide(dataDir, options, pods.url, own, log, stops));
      // Rejections are taken where the side is awaited; this only keeps an early one from being reported unhandled.
      brokerSide.catch(() => undefined);
      return brokerSide;
    };
    // The broker's side as it starts from a newly made broker identity, before the gateways' identities exist.
    let madeBeside: Pick<DemoIdentities, 'broker' | 'helper'> | undefined;
    const identities = await provisionFixtures(pods.url, fixtures, saved, log, {
      freshServer,
      access: accessControl,
      onResidentsReady: async (residents, broker) => {
        // The pods and residents' logins are usable now: say so at once; the gateways follow, then the broker's URL.
        await writeJsonFile(
          manifestPath,
          manifestOf({ podServer: pods.url, residents, broker, councils: [] }, areaOf, null),
        );
        // The gateways' accounts are the pod server's work and the broker's start (its modules, its database) this
        // thread's, so they go side by side (traced: the pod server's thread was nearly idle while the broker started).
        madeBeside = { broker };
        void startSide(madeBeside);
      },
    });
    identities.access = accessControl;
    await writeJsonFile(identitiesPath, identities);
    await writeJsonFile(manifestPath, manifestOf(identities, areaOf, null));
    // Last winter's summaries and the broker's set-up (councils, enrolment, the residents' answers) need nothing
    // of each other, so they go side by side: the pod server's thread serves the one while this one runs the other.
    const { seedFixtureHistory } = await import('./seed-history.ts');
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

    const { broker, demoBroker, helper, prio3, startDemoGateways } = await (brokerSide ??
      startSide(identities));
    identities.helper ??= madeBeside?.helper;
    const { answerAsResidents, ensureCouncils, ensureFixtureRequest, ensureHomes } = demoBroker;
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
    // A council can run the demo request now (the residents' answers and last winter's summaries are in): the
    // manifest names the broker; the live gateways start next, and the last write says all it names is running.
    await writeJsonFile(manifestPath, manifestOf(identities, areaOf, broker.url));

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
    // A broker side still starting would otherwise be left running: it registers its stops as it goes.
    await brokerSide?.catch(() => undefined);
    await stop();
    throw error;
  }
}

/** The broker's part of the demo: its modules, the helper aggregator (with private aggregation) and the broker. */
interface BrokerSide {
  demoBroker: typeof import('./demo-broker.ts');
  startDemoGateways: (typeof import('./demo-gateways.ts'))['startDemoGateways'];
  prio3: typeof import('./demo-private-aggregation.ts') | undefined;
  helper: DemoHelper | undefined;
  broker: RunningBroker;
}

/**
 * Starts the broker's side from the broker's identity alone (and the helper's, with private aggregation, which it
 * makes when `own` has none): loads the broker's modules, then starts the helper and the broker, adding each to
 * `stops` as soon as it runs.
 */
async function startBrokerSide(
  dataDir: string,
  options: DemoOptions,
  podServer: string,
  own: Pick<DemoIdentities, 'broker' | 'helper'>,
  log: Logger,
  stops: (() => Promise<void>)[],
): Promise<BrokerSide> {
  // Loaded only now: their imports (express, PGlite, MQTT) would hold the pods back by a second or more.
  const [demoBroker, { startDemoGateways }, prio3] = await Promise.all([
    import('./demo-broker.ts'),
    import('./demo-gateways.ts'),
    options.privateAggregation ? import('./demo-private-aggregation.ts') : undefined,
  ]);
  const helper = prio3 && (await prio3.startDemoHelper(dataDir, podServer, own, log));
  if (helper) stops.push(() => helper.stop());
  const broker = await demoBroker.startDemoBroker(
    dataDir,
    options.brokerPort,
    own,
    log.child({ part: 'broker' }),
    helper?.leaderConfig,
  );
  stops.push(() => broker.stop());
  return { demoBroker, startDemoGateways, prio3, helper, broker };
}
