// Broker scale-out benchmark (issue 15, parts 3 and 4): 1, 2, 4 … `homedata broker` processes sharing one run on PostgreSQL, over homes on one or more pod servers.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { addCouncil, openBrokerDatabase, type BrokerConfigInput } from '../src/broker/index.ts';
import type { Database } from '../src/broker/db/database.ts';
import type { NewRequest } from '../src/broker/requests/request-schema.ts';
import { createRequest } from '../src/broker/requests/request-transactor.ts';
import { findFreePort } from '../src/free-port.ts';
import { AccountApi } from '../src/pod/account-api.ts';
import { loginWithClientCredentials, type SolidAgent } from '../src/pod/solid-session.ts';
import { startBrokerProcess, type ServerProcess } from '../test/faults/fault-processes.ts';
import {
  DOCUMENTS_PER_HOME,
  METRIC,
  documentsOf,
  enrolHomes,
  podFloorRate,
  rawGetRate,
  recordConsent,
  seedHomes,
  startPodServerChild,
  type BenchHome,
} from './broker.ts';

/** What to measure. */
export interface ProcessesBenchOptions {
  /** Homes in all, spread evenly over the pod servers. */
  homes: number;
  /** Broker process counts measured, in order (each a run over all the homes). */
  processes: number[];
  /** CSS processes (origins) the homes live on. */
  podServers: number;
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
  /** Homes the run counted (released cells' homes are rounded; this is the audit log's distinct residents). */
  homesRead: number;
}

export interface ProcessesBenchResult {
  options: Omit<ProcessesBenchOptions, 'databaseUrl'>;
  seedSeconds: number;
  /** Load average (1 min) at start and end: the machine is shared, read the ratios. */
  loadAverage: { start: number; end: number };
  /** All servers read at once: raw authenticated GETs, and GETs plus the access record (the pod floor). */
  raw: { homesPerSecond: number; perServer: ServerFigure[] };
  floor: { homesPerSecond: number; perServer: ServerFigure[] };
  steps: ProcessesStep[];
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

/** Starts the pod servers, seeds the homes, then measures the baselines and a run per process count. */
export async function runProcessesBench(options: ProcessesBenchOptions): Promise<ProcessesBenchResult> {
  const loadStart = loadavg()[0]!;
  const dir = await mkdtemp(join(tmpdir(), 'homedata-bench-processes-'));
  const schema = `bench_processes_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const pods = await Promise.all(
    Array.from({ length: options.podServers }, (_, index) => startPodServerChild(join(dir, `pods-${index}`))),
  );
  const brokers: ServerProcess[] = [];
  const shardsRead = new Map<string, number>();
  let db: Database | undefined;
  let reader: SolidAgent | undefined;
  try {
    const issuer = pods[0]!.url;
    const identity = await new AccountApi(issuer).provision({
      email: 'broker@bench.example',
      password: 'pw-bench-broker-secret',
      podName: 'broker',
    });
    const seedStarted = performance.now();
    const byServer = new Map<string, BenchHome[]>(
      await Promise.all(
        pods.map(async (pod, index) => {
          const count =
            Math.floor(options.homes / options.podServers) +
            (index < options.homes % options.podServers ? 1 : 0);
          return [pod.url, await seedHomes(pod.url, identity.webId, count)] as const;
        }),
      ),
    );
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const homes = [...byServer.values()].flat();

    const config: BrokerConfigInput = {
      issuer,
      webId: identity.webId,
      clientId: identity.clientId,
      clientSecret: identity.clientSecret,
      databaseUrl: options.databaseUrl,
      databaseSchema: schema,
      auditKeyFile: join(dir, 'audit.key'),
      trust: { issuers: pods.map((pod) => pod.url), podServers: pods.map((pod) => pod.url) },
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
    reader = await loginWithClientCredentials(identity);
    const fetchAsBroker = reader.fetch;

    // One untimed pass first: each server's first requests from this client verify its token and fetch its WebID.
    await acrossServers(byServer, (serverHomes) =>
      rawGetRate(fetchAsBroker, serverHomes.flatMap(documentsOf), options.getClients),
    );
    const raw = await acrossServers(
      byServer,
      async (serverHomes) =>
        (await rawGetRate(fetchAsBroker, serverHomes.flatMap(documentsOf), options.getClients)) /
        DOCUMENTS_PER_HOME,
    );
    const floor = await acrossServers(byServer, (serverHomes) =>
      podFloorRate(fetchAsBroker, serverHomes, options.getClients, 'create'),
    );

    const areas = [...new Set(homes.map((home) => home.area))];
    const steps: ProcessesStep[] = [];
    for (const count of options.processes) {
      while (brokers.length < count) await startOne(brokers.length);
      const now = new Date();
      const request: NewRequest = {
        title: `Bench ${count} processes`,
        purpose: 'https://w3id.org/dpv#ProvideOfficialStatistics',
        description: 'Benchmark',
        metrics: [METRIC],
        areas,
        period: { from: '2026-01-01', to: '2026-01-31' },
        granularity: 'month',
        split: 'none',
        minCohort: 10,
        consentUntil: '2036-12-31',
        aggregation: 'plain',
      };
      const requestId = await createRequest(db, council.id, request, now);
      for (const home of homes) await recordConsent(db, requestId, home, now);
      const answer = await fetch(`${brokers[0]!.url}api/requests/${requestId}/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${council.apiKey}` },
      });
      if (answer.status !== 202)
        throw new Error(`POST runs answered ${answer.status}: ${await answer.text()}`);
      const { id: runId } = (await answer.json()) as { id: string };
      const seconds = await awaitRun(db, runId);
      const perServer = await perServerOfRun(db, runId, [...byServer.keys()]);
      const homesRead = perServer.reduce((sum, figure) => sum + figure.homes, 0);
      if (homesRead < homes.length) throw new Error(`the run read ${homesRead} of ${homes.length} homes`);
      const homesPerSecond = homes.length / seconds;
      const single = steps[0];
      steps.push({
        processes: count,
        seconds,
        homesPerSecond,
        toLinear:
          single === undefined ? 1 : homesPerSecond / ((count / single.processes) * single.homesPerSecond),
        brokerToRaw: homesPerSecond / raw.homesPerSecond,
        brokerToFloor: homesPerSecond / floor.homesPerSecond,
        shardsPerProcess: brokers.slice(0, count).map((_, index) => shardsRead.get(`${runId}:${index}`) ?? 0),
        perServer,
        homesRead,
      });
    }
    return {
      options: {
        homes: options.homes,
        processes: options.processes,
        podServers: options.podServers,
        getClients: options.getClients,
      },
      seedSeconds,
      loadAverage: { start: loadStart, end: loadavg()[0]! },
      raw,
      floor,
      steps,
    };
  } finally {
    await reader?.logout();
    await db?.close();
    await Promise.all(
      [...brokers.map((broker) => broker.child), ...pods.map((pod) => pod.child)].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }),
    );
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

/** Prints the result as a table and one JSON line. */
export function printProcessesBench(result: ProcessesBenchResult): void {
  const fixed = (value: number, digits = 1) => value.toFixed(digits);
  const servers = result.raw.perServer.map((figure) => figure.server);
  const header = [
    'processes',
    'seconds',
    'homes/s',
    '÷ linear',
    '÷ raw',
    '÷ floor',
    'shards per process',
    ...servers.map((_, index) => `server ${index + 1} homes/s`),
  ];
  const rows = result.steps.map((step) => [
    String(step.processes),
    fixed(step.seconds),
    fixed(step.homesPerSecond),
    fixed(step.toLinear, 2),
    fixed(step.brokerToRaw, 2),
    fixed(step.brokerToFloor, 2),
    step.shardsPerProcess.join('/'),
    ...step.perServer.map((figure) => fixed(figure.homesPerSecond)),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column]!)).join('  ');
  const perServer = (figures: ServerFigure[]) =>
    figures.map((figure) => fixed(figure.homesPerSecond)).join(' + ');
  process.stdout.write(
    `broker processes benchmark: ${result.options.homes} homes on ${result.options.podServers} CSS process(es) ` +
      `(${servers.join(', ')}), seeded in ${fixed(result.seedSeconds, 0)} s; load average ` +
      `${fixed(result.loadAverage.start)} → ${fixed(result.loadAverage.end)}\n` +
      `raw GET, all servers at once: ${fixed(result.raw.homesPerSecond)} homes/s (${perServer(result.raw.perServer)}); ` +
      `pod floor (GETs + access record): ${fixed(result.floor.homesPerSecond)} homes/s ` +
      `(${perServer(result.floor.perServer)})\n`,
  );
  process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write(`${JSON.stringify({ benchmark: 'broker-processes', ...result })}\n`);
}
