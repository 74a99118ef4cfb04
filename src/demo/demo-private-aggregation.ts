// `homedata demo --private-aggregation`: the helper aggregator as its own process, and a prio3 request run end to end.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningBroker } from '../broker/index.ts';
import { writeNewKeyFile } from '../broker/index.ts';
import type { LeaderConfig } from '../broker/index.ts';
import type { BrokerInfo, PublicRequest } from '../broker/index.ts';
import { HomedataError } from '../errors.ts';
import type { FixtureSet } from '../fixtures/index.ts';
import { buildPrio3Report, reportRequestsFor, type Gateway } from '../gateway/index.ts';
import type { Logger } from '../logging.ts';
import { AccountApi } from '../pod/index.ts';
import { findFreePort } from '../free-port.ts';
import { pathExists } from '../path-exists.ts';
import { PodLayout } from '../pod/index.ts';
import { patchInsert } from '../pod/index.ts';
import { loginWithClientCredentials } from '../pod/index.ts';
import { mapLimited } from '../bounded-concurrency.ts';
import { writeJsonFile, type DemoIdentities } from './demo-files.ts';
import { fixtureSummaries } from './seed-history.ts';

const BIN = fileURLToPath(new URL('../../bin/homedata.js', import.meta.url));

/** The running helper: where it listens, and the broker's `privateAggregation` block pointing at it. */
export interface DemoHelper {
  url: string;
  leaderConfig: LeaderConfig;
  stop(): Promise<void>;
}

/** The helper's files in the data folder, made once: both key files, the shared verify key and token. */
interface HelperFiles {
  verifyKey: string;
  token: string;
  helperPublicKey: string;
}

/** Makes (once) the leader's and the helper's key files and the secrets they share, under `dir`. */
async function ensureHelperFiles(dir: string): Promise<HelperFiles> {
  const path = join(dir, 'shared.json');
  if (await pathExists(path)) return JSON.parse(await readFile(path, 'utf8')) as HelperFiles;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const helperPublicKey = await writeNewKeyFile(join(dir, 'helper-key.json'));
  await writeNewKeyFile(join(dir, 'leader-key.json'));
  const files = {
    verifyKey: randomBytes(16).toString('base64'),
    token: randomBytes(24).toString('hex'),
    helperPublicKey,
  };
  await writeJsonFile(path, files);
  return files;
}

/**
 * Starts `homedata helper-aggregator` as its own process, with its own key file, identity on the pod server and
 * database (an independent party: a university, the regulator), and waits until it listens.
 */
export async function startDemoHelper(
  dataDir: string,
  podServer: string,
  identities: Pick<DemoIdentities, 'broker' | 'helper'>,
  log: Logger,
): Promise<DemoHelper> {
  const dir = join(dataDir, 'helper-aggregator');
  // A fixed login, as the demo's residents have: the loopback-only demo server, and a restart finds the account.
  identities.helper ??= await new AccountApi(podServer).provision({
    email: 'helper@aggregator.demo',
    password: 'pw-demo-helper-aggregator',
    podName: 'helper-aggregator',
  });
  const files = await ensureHelperFiles(dir);
  const port = await findFreePort();
  const configFile = join(dir, 'helper.json');
  // The helper logs in as itself and reads the reports from the demo's pod server; its database is its own PGlite
  // folder beside its key, so a restarted demo remembers which batches it has collected.
  await writeJsonFile(configFile, {
    host: '127.0.0.1',
    port,
    keyFile: 'helper-key.json',
    verifyKey: files.verifyKey,
    leaderToken: files.token,
    minimumBatch: 10,
    leaderWebId: identities.broker.webId,
    identity: {
      issuer: identities.helper.issuer,
      clientId: identities.helper.clientId,
      clientSecret: identities.helper.clientSecret,
    },
    podServers: [podServer],
    dataDir: 'helper-data',
  });
  const child: ChildProcess = spawn(process.execPath, [BIN, 'helper-aggregator', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Helper aggregator listening at')) resolve();
    });
    child.once('exit', (code) =>
      reject(new HomedataError('demo-setup', 502, `The helper exited with ${code}`)),
    );
  });
  const url = `http://127.0.0.1:${port}/`;
  log.info({ url, pid: child.pid }, 'helper aggregator started as its own process');
  return {
    url,
    leaderConfig: {
      keyFile: join(dir, 'leader-key.json'),
      verifyKey: files.verifyKey,
      helper: { url, webId: identities.helper.webId, publicKey: files.helperPublicKey, token: files.token },
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // server.close waits for the leader's idle keep-alive connections: a short grace, then it is ended.
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The fixture homes without a live gateway do their gateway's part of a prio3 request here: compute the value for
 * each metric and period from the home's summaries, shard and seal it to both aggregators, and append the report
 * to its pod with the gateway's identity (Append only, as with summaries). The first `liveHomes` homes are left to
 * their running gateways. Returns how many reports were written.
 */
export async function writeDemoReports(
  broker: RunningBroker,
  fixtures: FixtureSet,
  identities: DemoIdentities,
  requestId: string,
  liveHomes: number,
): Promise<number> {
  const [info, request] = await Promise.all([
    fetch(new URL('api/broker', broker.url)).then((response) => response.json() as Promise<BrokerInfo>),
    fetch(new URL(`api/requests/${requestId}`, broker.url)).then(
      (response) => response.json() as Promise<PublicRequest>,
    ),
  ]);
  const homes = fixtures.homes.map((home, index) => ({ home, index }));
  const written = await mapLimited(homes, 4, async ({ home, index }) => {
    if (index < liveHomes || !request.areas.includes(home.area)) return 0;
    const resident = identities.residents[index]!;
    const gateway = await loginWithClientCredentials(identities.gateways[index]!);
    try {
      const layout = new PodLayout(resident.pod);
      const summaries = fixtureSummaries(home, fixtures);
      let count = 0;
      for (const asked of reportRequestsFor(request, info, home.timeZone)) {
        const built = await buildPrio3Report(layout, asked, summaries);
        if (built === null) continue;
        await patchInsert(gateway.fetch, built.url, built.quads);
        count++;
      }
      return count;
    } finally {
      await gateway.logout();
    }
  });
  return written.reduce((sum, count) => sum + count, 0);
}

/**
 * Has each live gateway poll the broker's prio3 tasks now (they would at their next interval anyway) so the run
 * that follows finds their reports; returns how many they wrote.
 */
export async function reportsOfLiveGateways(gateways: readonly Gateway[]): Promise<number> {
  let written = 0;
  for (const gateway of gateways) {
    const polled = await gateway.prio3?.pollNow();
    if (polled?.error !== undefined) {
      throw new HomedataError('demo-setup', 502, `A live gateway's prio3 poll failed: ${polled.error}`);
    }
    written += (polled?.written ?? 0) + (polled?.existing ?? 0);
  }
  return written;
}

/** Starts a run of `requestId` as the council with `apiKey` and waits until it is done; returns the run's id. */
export async function runAsCouncil(
  broker: Pick<RunningBroker, 'url'>,
  requestId: string,
  apiKey: string,
): Promise<string> {
  const headers = { authorization: `Bearer ${apiKey}` };
  const started = await fetch(new URL(`api/requests/${requestId}/runs`, broker.url), {
    method: 'POST',
    headers,
  });
  if (started.status !== 202) {
    throw new HomedataError('demo-setup', 502, `Starting the prio3 run failed: ${await started.text()}`);
  }
  const { id } = (await started.json()) as { id: string };
  for (;;) {
    const view = await fetch(new URL(`api/requests/${requestId}/runs/${id}`, broker.url), { headers });
    const { state, message } = (await view.json()) as { state: string; message?: string };
    if (state === 'done') return id;
    if (state === 'failed')
      throw new HomedataError('demo-setup', 502, `The prio3 run failed: ${message ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
