// Broker scale-out benchmark (issue 15, parts 3 and 4): 1, 2, 4 … `homedata broker` processes sharing one run on PostgreSQL, over homes on one or more pod servers.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { addCouncil, openBrokerDatabase, type BrokerConfigInput } from '../src/broker/index.ts';
import type { Database } from '../src/broker/db/database.ts';
import { recordGivenConsent } from '../src/broker/consents/consent-transactor.ts';
import { enrolHome } from '../src/broker/homes/home-register-transactor.ts';
import { PodLayout } from '../src/pod/pod-layout.ts';
import type { Identity } from '../src/pod/account-api.ts';
import { createRequest } from '../src/broker/requests/request-transactor.ts';
import { findFreePort } from '../src/free-port.ts';
import { AccountApi } from '../src/pod/account-api.ts';
import { loginWithClientCredentials } from '../src/pod/solid-session.ts';
import { startBrokerProcess, type ServerProcess } from '../test/faults/fault-processes.ts';
import {
  DOCUMENTS_PER_HOME,
  documentsOf,
  januaryRequest,
  podFloorRate,
  rawGetRate,
  seedHomes,
  startPodServerChild,
  startRunAsCouncil,
  type BenchHome,
} from './broker.ts';
import { simulatedAreaCode, spawnPodSimulator, type SimulatedServerStats } from './pod-sim.ts';

/** What to measure. */
export interface ProcessesBenchOptions {
  /** Homes in all, spread evenly over the pod servers. */
  homes: number;
  /** Broker process counts measured, in order (each a run over all the homes). */
  processes: number[];
  /** CSS processes (origins) the homes live on; unused when `simulator` is given. */
  podServers: number;
  /**
   * Serve the homes from the bench's pod-server simulator (bench/pod-sim.ts, never a pod server) instead of CSS:
   * that many simulated servers, each capped at `ratePerSecond` requests and `latencyMs` per request. The broker
   * still logs in at one real CSS.
   */
  simulator?: { servers: number; ratePerSecond: number; latencyMs: number };
  /** The PostgreSQL the brokers share (a fresh schema is made in it and dropped afterwards). */
  databaseUrl: string;
  /** Concurrent clients per pod server in the raw GET and floor measurements. */
  getClients: number;
}

/** One pod server's share of a run or of a baseline. */
export interface ServerFigure {
  server: string;
  homes: number;
  homesPerSecond: number;
}

/** A run by `processes` broker processes over every home. */
export interface ProcessesStep {
  processes: number;
  seconds: number;
  homesPerSecond: number;
  /** Homes per second ÷ (processes × the one-process rate): 1 is linear. */
  toLinear: number;
  brokerToRaw: number;
  brokerToFloor: number;
  /** Shards each process read (from its `shard read` log lines), in process order. */
  shardsPerProcess: number[];
  /** Each pod server's homes ÷ the time from the run's start to its last read there. */
  perServer: ServerFigure[];
  /** Homes the run read (the audit log's distinct residents). */
  homesRead: number;
  /** Whether its released cells (area, mean, homes) equal those of the first step's run. */
  sameCellsAsFirst: boolean;
}

/** Homes per second of a baseline, all servers at once, and of each server. */
export interface Baseline {
  homesPerSecond: number;
  perServer: ServerFigure[];
}

export interface ProcessesBenchResult {
  options: Omit<ProcessesBenchOptions, 'databaseUrl'>;
  seedSeconds: number;
  /** Load average (1 min) at start and end: the machine is shared, read the ratios. */
  loadAverage: { start: number; end: number };
  /**
   * All servers read at once: raw authenticated GETs, and GETs plus the access record (the pod floor). On the
   * simulator, its cap instead (servers × rate ÷ 3 requests per home) for both.
   */
  raw: Baseline;
  floor: Baseline;
  steps: ProcessesStep[];
  /** What each simulated server saw over the whole bench. */
  simulatorStats?: SimulatedServerStats[];
}

/** A home a run reads: where its pod is, whose it is, its area, and the pod server's origin. */
interface RunHome {
  pod: string;
  webId: string;
  area: string;
  server: string;
}

/** The homes of a bench, the broker's identity, the baselines, and how to stop their servers. */
interface Population {
  homes: RunHome[];
  servers: string[];
  identity: Identity;
  seedSeconds: number;
  raw: Baseline;
  floor: Baseline;
  simulatorStats?: () => Promise<SimulatedServerStats[]>;
  stop(): Promise<void>;
}

/** Stops a child process with SIGTERM and waits for it. */
async function stopChild(child: ServerProcess['child']): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

/** Provisions the broker's identity on a real CSS (its issuer). */
function provisionBroker(server: string): Promise<Identity> {
  return new AccountApi(server).provision({
    email: 'broker@bench.example',
    password: 'pw-bench-broker-secret',
    podName: 'broker',
  });
}

/**
 * Homes on `podServers` CSS processes: seeded through each server's account API (all servers at once), then the
 * raw GET rate and the pod floor measured on all servers at once as the broker.
 */
async function cssPopulation(options: ProcessesBenchOptions, dir: string): Promise<Population> {
  const pods = await Promise.all(
    Array.from({ length: options.podServers }, (_, index) => startPodServerChild(join(dir, `pods-${index}`))),
  );
  const stop = async () => {
    await Promise.all(pods.map((pod) => stopChild(pod.child)));
  };
  try {
    const identity = await provisionBroker(pods[0]!.url);
    const seedStarted = performance.now();
    const byServer = new Map<string, BenchHome[]>(
      await Promise.all(
        pods.map(async (pod, index) => {
          const count =
            Math.floor(options.homes / options.podServers) +
            (index < options.homes % options.podServers ? 1 : 0);
          return [
            pod.url,
            await seedHomes(pod.url, identity.webId, count, join(dir, `pods-${index}`)),
          ] as const;
        }),
      ),
    );
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const reader = await loginWithClientCredentials(identity);
    try {
      // One untimed pass first: each server's first requests from this client verify its token and fetch its WebID.
      await acrossServers(byServer, (serverHomes) =>
        rawGetRate(reader.fetch, serverHomes.flatMap(documentsOf), options.getClients),
      );
      const raw = await acrossServers(
        byServer,
        async (serverHomes) =>
          (await rawGetRate(reader.fetch, serverHomes.flatMap(documentsOf), options.getClients)) /
          DOCUMENTS_PER_HOME,
      );
      const floor = await acrossServers(byServer, (serverHomes) =>
        podFloorRate(reader.fetch, serverHomes, options.getClients, 'create'),
      );
      const homes = [...byServer].flatMap(([server, serverHomes]) =>
        serverHomes.map((home) => ({
          pod: home.resident.pod,
          webId: home.resident.webId,
          area: home.area,
          server,
        })),
      );
      return { homes, servers: [...byServer.keys()], identity, seedSeconds, raw, floor, stop };
    } finally {
      await reader.logout();
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Requests per simulated home in a run: the profile and summaries GETs, and the access record PUT. */
const REQUESTS_PER_HOME = 3;

/** Homes on the pod-server simulator (bench only), with one real CSS for the broker's login. */
async function simulatedPopulation(
  options: ProcessesBenchOptions,
  simulator: NonNullable<ProcessesBenchOptions['simulator']>,
  dir: string,
): Promise<Population> {
  const css = await startPodServerChild(join(dir, 'identity-pods'));
  try {
    const identity = await provisionBroker(css.url);
    const sim = await spawnPodSimulator({
      servers: simulator.servers,
      homes: options.homes,
      homesPerArea: HOMES_PER_AREA,
      ratePerSecond: simulator.ratePerSecond,
      latencyMs: simulator.latencyMs,
      brokerWebId: identity.webId,
    });
    const homes = Array.from({ length: options.homes }, (_, index) => {
      const pod = sim.podOf(index);
      return {
        pod,
        webId: `${pod}profile/card#me`,
        area: simulatedAreaCode(Math.floor(index / HOMES_PER_AREA)),
        server: sim.urls[index % sim.urls.length]!,
      };
    });
    const cap = (serverCount: number) => (serverCount * simulator.ratePerSecond) / REQUESTS_PER_HOME;
    const ceiling: Baseline = {
      homesPerSecond: cap(sim.urls.length),
      perServer: sim.urls.map((server) => ({
        server,
        homes: homes.filter((home) => home.server === server).length,
        homesPerSecond: cap(1),
      })),
    };
    return {
      homes,
      servers: sim.urls,
      identity,
      seedSeconds: 0,
      raw: ceiling,
      floor: ceiling,
      simulatorStats: () => sim.stats(),
      stop: async () => {
        await sim.stop();
        await stopChild(css.child);
      },
    };
  } catch (error) {
    await stopChild(css.child);
    throw error;
  }
}

/** Homes per area, as in the one-process bench. */
const HOMES_PER_AREA = 25;

/** Enrols every home and records its consent to a request, straight into the broker's database. */
async function enrolHomes(db: Database, homes: readonly RunHome[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [index, home] of homes.entries()) {
      await enrolHome(tx, {
        homeId: `bench-${index + 1}`,
        pod: home.pod,
        gatewayWebId: `${home.pod}gateway#me`,
        residentWebId: home.webId,
      });
    }
  });
}

/** Records every home's consent to a request, as the broker does once it has checked a consent record. */
async function recordConsents(db: Database, requestId: string, homes: readonly RunHome[]): Promise<void> {
  const now = new Date();
  for (const home of homes) {
    await recordGivenConsent(db, {
      request_id: requestId,
      resident_webid: home.webId,
      pod: home.pod,
      record_iri: `${new PodLayout(home.pod).consentDocument(requestId)}#consent`,
      area: home.area,
      dwelling_type: 'Flat',
      given_at: now,
      expires_at: new Date('2036-12-31T00:00:00Z'),
    });
  }
}

/** Each server's homes, measured at once on every server; returns the total and per-server homes/s. */
async function acrossServers(
  byServer: Map<string, BenchHome[]>,
  measure: (homes: BenchHome[]) => Promise<number>,
): Promise<{ homesPerSecond: number; perServer: ServerFigure[] }> {
  const started = performance.now();
  const perServer = await Promise.all(
    [...byServer].map(async ([server, homes]) => ({
      server,
      homes: homes.length,
      homesPerSecond: await measure(homes),
    })),
  );
  const total = perServer.reduce((sum, figure) => sum + figure.homes, 0);
  return { homesPerSecond: total / ((performance.now() - started) / 1000), perServer };
}

/** Waits for a run to end; returns its duration from claim to release. */
async function awaitRun(db: Database, runId: string): Promise<number> {
  for (;;) {
    const [row] = await db.query<{
      state: string;
      started_at: Date;
      finished_at: Date | null;
      error: string;
    }>('SELECT state, started_at, finished_at, error FROM runs WHERE id = $1', [runId]);
    if (row!.state === 'failed') throw new Error(`run failed: ${row!.error}`);
    if (row!.state === 'done') return (row!.finished_at!.getTime() - row!.started_at.getTime()) / 1000;
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Each pod server's homes read in a run, and the time of its last read after the run started. */
async function perServerOfRun(
  db: Database,
  runId: string,
  servers: readonly string[],
): Promise<ServerFigure[]> {
  const [run] = await db.query<{ started_at: Date }>('SELECT started_at FROM runs WHERE id = $1', [runId]);
  return Promise.all(
    servers.map(async (server) => {
      const [row] = await db.query<{ homes: number; last: Date | null }>(
        'SELECT count(DISTINCT resident_webid)::int AS homes, max(at) AS last FROM audit_log ' +
          'WHERE run_id = $1 AND starts_with(resource, $2)',
        [runId, server],
      );
      const seconds =
        row!.last === null ? Infinity : (row!.last.getTime() - run!.started_at.getTime()) / 1000;
      return { server, homes: row!.homes, homesPerSecond: row!.homes / seconds };
    }),
  );
}

/** Starts the pod servers (or the simulator) and the homes, then measures a run per process count. */
export async function runProcessesBench(options: ProcessesBenchOptions): Promise<ProcessesBenchResult> {
  const loadStart = loadavg()[0]!;
  const dir = await mkdtemp(join(tmpdir(), 'homedata-bench-processes-'));
  const schema = `bench_processes_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const population =
    options.simulator === undefined
      ? await cssPopulation(options, dir)
      : await simulatedPopulation(options, options.simulator, dir);
  const { homes, servers, identity } = population;
  const brokers: ServerProcess[] = [];
  const shardsRead = new Map<string, number>();
  let db: Database | undefined;
  try {
    const config: BrokerConfigInput = {
      issuer: identity.issuer,
      webId: identity.webId,
      clientId: identity.clientId,
      clientSecret: identity.clientSecret,
      databaseUrl: options.databaseUrl,
      databaseSchema: schema,
      auditKeyFile: join(dir, 'audit.key'),
      trust: { issuers: [identity.issuer], podServers: [new URL(identity.issuer).origin, ...servers] },
      rateLimit: { windowMs: 60_000, max: 1_000_000 },
    };
    /** Starts one more broker process on the shared database; counts the shards it reads per run. */
    const startOne = async (index: number) => {
      const file = join(dir, `broker-${index}.json`);
      await writeFile(file, JSON.stringify({ ...config, port: await findFreePort() }));
      brokers.push(
        await startBrokerProcess(file, {
          logLevel: 'info',
          onLog: (entry) => {
            if (entry.msg !== 'shard read') return;
            const key = `${String(entry.runId)}:${index}`;
            shardsRead.set(key, (shardsRead.get(key) ?? 0) + 1);
          },
        }),
      );
    };
    await startOne(0);
    db = await openBrokerDatabase({ kind: 'postgres', url: options.databaseUrl, schema });
    const council = await addCouncil(db, 'Bench Council');
    await enrolHomes(db, homes);

    const areas = [...new Set(homes.map((home) => home.area))];
    const steps: ProcessesStep[] = [];
    let firstCells: string | undefined;
    for (const count of options.processes) {
      while (brokers.length < count) await startOne(brokers.length);
      const request = januaryRequest(`Bench ${count} processes`, areas);
      const requestId = await createRequest(db, council.id, request, new Date());
      await recordConsents(db, requestId, homes);
      const runId = await startRunAsCouncil(brokers[0]!.url, council.apiKey, requestId);
      const seconds = await awaitRun(db, runId);
      const perServer = await perServerOfRun(db, runId, servers);
      const homesRead = perServer.reduce((sum, figure) => sum + figure.homes, 0);
      if (homesRead < homes.length) throw new Error(`the run read ${homesRead} of ${homes.length} homes`);
      const homesPerSecond = homes.length / seconds;
      const cells = JSON.stringify(
        await db.query('SELECT area, mean, homes FROM run_cells WHERE run_id = $1 ORDER BY position', [
          runId,
        ]),
      );
      firstCells ??= cells;
      const single = steps[0];
      steps.push({
        processes: count,
        seconds,
        homesPerSecond,
        toLinear:
          single === undefined ? 1 : homesPerSecond / ((count / single.processes) * single.homesPerSecond),
        brokerToRaw: homesPerSecond / population.raw.homesPerSecond,
        brokerToFloor: homesPerSecond / population.floor.homesPerSecond,
        shardsPerProcess: brokers.slice(0, count).map((_, index) => shardsRead.get(`${runId}:${index}`) ?? 0),
        perServer,
        homesRead,
        sameCellsAsFirst: cells === firstCells,
      });
    }
    const { databaseUrl: _url, ...shown } = options;
    return {
      options: shown,
      seedSeconds: population.seedSeconds,
      loadAverage: { start: loadStart, end: loadavg()[0]! },
      raw: population.raw,
      floor: population.floor,
      steps,
      simulatorStats: await population.simulatorStats?.(),
    };
  } finally {
    await db?.close();
    await Promise.all(brokers.map((broker) => stopChild(broker.child)));
    await population.stop();
    const client = new pg.Client({ connectionString: options.databaseUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
    await rm(dir, { recursive: true, force: true });
  }
}

/** Each server's homes/s, listed for a few servers, as a range for many. */
function perServerText(figures: readonly ServerFigure[]): string {
  const rates = figures.map((figure) => figure.homesPerSecond);
  if (rates.length <= 4) return rates.map((rate) => rate.toFixed(1)).join(' + ');
  return `${Math.min(...rates).toFixed(1)}–${Math.max(...rates).toFixed(1)} each`;
}

/** Prints the result as a table and one JSON line. */
export function printProcessesBench(result: ProcessesBenchResult): void {
  const fixed = (value: number, digits = 1) => value.toFixed(digits);
  const { options } = result;
  const header = [
    'processes',
    'seconds',
    'homes/s',
    '÷ linear',
    '÷ raw',
    '÷ floor',
    'shards per process',
    'per server homes/s',
    'same cells',
  ];
  const rows = result.steps.map((step) => [
    String(step.processes),
    fixed(step.seconds),
    fixed(step.homesPerSecond),
    fixed(step.toLinear, 2),
    fixed(step.brokerToRaw, 2),
    fixed(step.brokerToFloor, 2),
    step.shardsPerProcess.join('/'),
    perServerText(step.perServer),
    String(step.sameCellsAsFirst),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column]!)).join('  ');
  const where =
    options.simulator === undefined
      ? `${options.podServers} CSS process(es), seeded in ${fixed(result.seedSeconds, 0)} s`
      : `${options.simulator.servers} SIMULATED pod servers (bench/pod-sim.ts, each capped at ` +
        `${options.simulator.ratePerSecond} requests/s and ${options.simulator.latencyMs} ms)`;
  const baselines =
    options.simulator === undefined
      ? `raw GET, all servers at once: ${fixed(result.raw.homesPerSecond)} homes/s (${perServerText(result.raw.perServer)}); ` +
        `pod floor (GETs + access record): ${fixed(result.floor.homesPerSecond)} homes/s ` +
        `(${perServerText(result.floor.perServer)})`
      : `the simulator's cap (÷ raw and ÷ floor): ${fixed(result.raw.homesPerSecond)} homes/s ` +
        `(${REQUESTS_PER_HOME} requests per home)`;
  process.stdout.write(
    `broker processes benchmark: ${options.homes} homes on ${where}; load average ` +
      `${fixed(result.loadAverage.start)} → ${fixed(result.loadAverage.end)}\n${baselines}\n`,
  );
  process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write(`${JSON.stringify({ benchmark: 'broker-processes', ...result })}\n`);
}
