// Broker ceiling on many pod servers, against SIMULATED pod servers (bench/pod-sim.ts): one broker process runs a
// request over up to 50,000 homes spread over N simulators capped at the rate and latency measured on a real CSS.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { addCouncil, enrolHome, type Database } from '../src/broker/index.ts';
import { recordGivenConsent } from '../src/broker/consents/consent-transactor.ts';
import { createRequest } from '../src/broker/requests/request-transactor.ts';
import { DEFAULT_POD_ACCESS } from '../src/broker/pod-access/pod-access-limits.ts';
import { AccountApi } from '../src/pod/account-api.ts';
import { PodLayout } from '../src/pod/pod-layout.ts';
import { loginWithClientCredentials } from '../src/pod/solid-session.ts';
import { januaryRequest, rawGetRate, startRunAsCouncil, seedHomes, startPodServerChild } from './broker.ts';
import { startBrokerUnderTest, type BrokerUnderTest, type MemoryProfile } from './broker-under-test.ts';
import { simulatedAreaCode, spawnPodSimulator, type SimulatedServerStats } from './pod-sim.ts';

const optionsSchema = z
  .object({
    homes: z.number().int().min(100).max(50_000),
    servers: z.number().int().min(1).max(200),
    /** Each simulator's cap; default the real CSS's authenticated GET rate measured at the start of the run. */
    ratePerSecond: z.number().positive().optional(),
    /** Each simulator's latency (ms); default the real CSS's median one-client GET latency. */
    latencyMs: z.number().min(0).optional(),
    /** The broker's `podAccess.maxRequestsPerOrigin`. */
    maxRequestsPerOrigin: z.number().int().min(1).default(DEFAULT_POD_ACCESS.maxRequestsPerOrigin),
    /** The broker's `limits.homesInFlight`; default 4 per server. */
    homesInFlight: z.number().int().min(1).max(1024).optional(),
    /** PostgreSQL for the broker (a fresh schema, dropped after); default PGlite in this process. */
    databaseUrl: z.string().min(1).optional(),
    /**
     * Run the broker as its own `homedata-broker` process (compiled, its memory profile) and measure that process,
     * not this one (which holds tsx and the bench); needs `databaseUrl`.
     */
    brokerProcess: z.boolean().default(false),
  })
  .strict()
  .refine((options) => !options.brokerProcess || options.databaseUrl !== undefined, {
    message: 'a broker process needs --database-url (PGlite allows one process)',
  });

type Options = z.infer<typeof optionsSchema>;

/** Requests a run makes per home: the profile and one month of summaries (GETs), and its access record (PUT). */
const REQUESTS_PER_HOME = 3;
/** The most areas a request may name (request-schema.ts): homes are spread so that they fit. */
const MAX_AREAS = 200;
/** Population sizes at which the broker's memory is sampled during the run. */
const CHECKPOINTS = [1_000, 10_000, 50_000];

/** The caps of each simulator: the real CSS's authenticated GET rate (16 clients) and one client's latency. */
async function measureCss(): Promise<{ ratePerSecond: number; latencyMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'homedata-bench-broker-sim-css-'));
  const pods = await startPodServerChild(join(dir, 'pods'));
  try {
    const broker = await new AccountApi(pods.url).provision({
      email: 'broker@bench.example',
      password: 'pw-bench-broker-secret',
      podName: 'broker',
    });
    const [home] = await seedHomes(pods.url, broker.webId, 1);
    const urls = [
      home!.layout.homeProfile,
      new PodLayout(home!.resident.pod).summaryDocument('temperature', '2026-01'),
    ];
    const agent = await loginWithClientCredentials(broker);
    try {
      // Warm-up: the server's first reads of a resource load its ACLs.
      await rawGetRate(agent.fetch, urls, 2);
      const ratePerSecond = await rawGetRate(
        agent.fetch,
        Array.from({ length: 300 }, (_, index) => urls[index % 2]!),
        16,
      );
      const times: number[] = [];
      for (let index = 0; index < 40; index++) {
        const started = performance.now();
        await rawGetRate(agent.fetch, [urls[index % 2]!], 1);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      return { ratePerSecond, latencyMs: times[times.length >> 1]! };
    } finally {
      await agent.logout();
    }
  } finally {
    pods.child.kill('SIGTERM');
    await new Promise((done) => pods.child.once('exit', done));
    await rm(dir, { recursive: true, force: true });
  }
}

/** The broker's memory when the run had read `homes` homes. */
interface Checkpoint {
  homes: number;
  rssMb: number;
  heapMb: number;
  /**
   * Highest RSS and heap sampled from the broker's start to this point (in process, the seeding of homes and
   * consents too: seed a population as large first to be sure a peak is the run's).
   */
  peakRssMb: number;
  peakHeapMb: number;
}

export interface BrokerSimResult {
  simulator: true;
  options: Options & { ratePerSecond: number; latencyMs: number; homesInFlight: number };
  capsFrom: 'measured CSS' | 'given';
  cores: number;
  /** The V8 flags and glibc arena cap of the measured process (`bin/homedata-broker` sets the broker's). */
  memoryProfile: MemoryProfile;
  /** Whose memory the figures are: this process with the broker in it, or the broker's own process. */
  measured: BrokerUnderTest['measured'];
  /** The broker process's resident set at the end, shared (binary, libraries) and private; in process: null. */
  residentAtEnd: { sharedMb: number; privateMb: number } | null;
  loadAverage: number[];
  seedSeconds: number;
  runSeconds: number;
  homesPerSecond: number;
  /** What the simulators allow: servers × rate ÷ requests per home. */
  serversCeilingHomesPerSecond: number;
  brokerCpuMsPerHome: number;
  /** The measured process just before the run. */
  rssBeforeMb: number;
  heapBeforeMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  checkpoints: Checkpoint[];
  homesCounted: number;
  accessRecords: number;
  refused: number;
  peakInFlightPerServer: number;
  peakConnectionsPerServer: number;
  releasedCells: number;
}

/** Enrols every home and records its consent to the request, straight into the broker's database. */
async function enrolAndConsent(
  db: Database,
  requestId: string,
  podOf: (index: number) => string,
  homes: number,
  homesPerArea: number,
): Promise<void> {
  const now = new Date();
  const chunk = 1_000;
  for (let from = 0; from < homes; from += chunk) {
    await db.transaction(async (tx) => {
      for (let index = from; index < Math.min(homes, from + chunk); index++) {
        const pod = podOf(index);
        await enrolHome(tx, {
          homeId: `sim-${index}`,
          pod,
          gatewayWebId: `${pod}gateway#me`,
          residentWebId: `${pod}profile/card#me`,
        });
      }
    });
  }
  for (let index = 0; index < homes; index++) {
    const pod = podOf(index);
    await recordGivenConsent(db, {
      request_id: requestId,
      resident_webid: `${pod}profile/card#me`,
      pod,
      record_iri: `${new PodLayout(pod).consentDocument(requestId)}#consent`,
      area: simulatedAreaCode(Math.floor(index / homesPerArea)),
      dwelling_type: 'Flat',
      given_at: now,
      expires_at: new Date('2036-12-31T00:00:00Z'),
    });
  }
}

/** Runs the whole bench. */
export async function runBrokerSim(input: z.input<typeof optionsSchema>): Promise<BrokerSimResult> {
  const parsed = optionsSchema.parse(input);
  const capsGiven = parsed.ratePerSecond !== undefined && parsed.latencyMs !== undefined;
  const measured = capsGiven ? undefined : await measureCss();
  const options = {
    ...parsed,
    ratePerSecond: parsed.ratePerSecond ?? measured!.ratePerSecond,
    latencyMs: parsed.latencyMs ?? measured!.latencyMs,
    homesInFlight: parsed.homesInFlight ?? Math.min(1024, 4 * parsed.servers),
  };
  const homesPerArea = Math.max(25, Math.ceil(options.homes / MAX_AREAS));
  const dir = await mkdtemp(join(tmpdir(), 'homedata-bench-broker-sim-'));
  const schema = `broker_sim_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
  // The broker's own identity lives on a real CSS: it logs in there, and sends that DPoP-bound token to the simulators.
  const identityServer = await startPodServerChild(join(dir, 'pods'));
  let broker: BrokerUnderTest | undefined;
  let simulator: Awaited<ReturnType<typeof spawnPodSimulator>> | undefined;
  try {
    const identity = await new AccountApi(identityServer.url).provision({
      email: 'broker@bench.example',
      password: 'pw-bench-broker-secret',
      podName: 'broker',
    });
    simulator = await spawnPodSimulator({
      servers: options.servers,
      homes: options.homes,
      homesPerArea,
      ratePerSecond: options.ratePerSecond,
      latencyMs: options.latencyMs,
      brokerWebId: identity.webId,
    });
    broker = await startBrokerUnderTest(
      {
        port: 0,
        issuer: identity.issuer,
        webId: identity.webId,
        clientId: identity.clientId,
        clientSecret: identity.clientSecret,
        ...(options.databaseUrl === undefined
          ? { dbDir: join(dir, 'broker-db') }
          : { databaseUrl: options.databaseUrl, databaseSchema: schema }),
        auditKeyFile: join(dir, 'audit.key'),
        rateLimit: { windowMs: 60_000, max: 1_000_000 },
        trust: { issuers: [identity.issuer], podServers: [identityServer.url, ...simulator.urls] },
        podAccess: { maxRequestsPerOrigin: options.maxRequestsPerOrigin },
        limits: { homesInFlight: options.homesInFlight },
      },
      { asChild: options.brokerProcess, dir },
    );
    const council = await addCouncil(broker.db, 'Bench Council');
    const areas = Array.from({ length: Math.ceil(options.homes / homesPerArea) }, (_, index) =>
      simulatedAreaCode(index),
    );
    const requestId = await createRequest(
      broker.db,
      council.id,
      januaryRequest(`Simulated ${options.homes}`, areas),
      new Date(),
    );
    const seedStarted = performance.now();
    await enrolAndConsent(broker.db, requestId, simulator.podOf, options.homes, homesPerArea);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const run = await measuredRun(broker, council.apiKey, requestId, options.homes, simulator);
    const residentAtEnd = await broker.residentParts();
    const stats = await simulator.stats();
    const total = (key: keyof SimulatedServerStats) =>
      stats.reduce((sum, server) => sum + (server[key] as number), 0);
    const max = (key: keyof SimulatedServerStats) =>
      Math.max(...stats.map((server) => server[key] as number));
    return {
      simulator: true,
      options,
      capsFrom: capsGiven ? 'given' : 'measured CSS',
      cores: cpus().length,
      memoryProfile: run.profile,
      measured: broker.measured,
      residentAtEnd,
      loadAverage: loadavg(),
      seedSeconds,
      runSeconds: run.seconds,
      homesPerSecond: run.homesCounted / run.seconds,
      serversCeilingHomesPerSecond: (options.servers * options.ratePerSecond) / REQUESTS_PER_HOME,
      brokerCpuMsPerHome: run.cpuMs / options.homes,
      rssBeforeMb: run.rssBeforeMb,
      heapBeforeMb: run.heapBeforeMb,
      peakRssMb: run.peakRssMb,
      peakHeapMb: run.peakHeapMb,
      checkpoints: run.checkpoints,
      homesCounted: run.homesCounted,
      accessRecords: total('puts'),
      refused: total('refused'),
      peakInFlightPerServer: max('peakInFlight'),
      peakConnectionsPerServer: max('peakConnections'),
      releasedCells: run.releasedCells,
    };
  } finally {
    await broker?.stop();
    await simulator?.stop();
    identityServer.child.kill('SIGTERM');
    await new Promise((done) => identityServer.child.once('exit', done));
    await rm(dir, { recursive: true, force: true });
    if (options.databaseUrl !== undefined) await dropSchema(options.databaseUrl, schema);
  }
}

/** Drops the broker's schema from a PostgreSQL run. */
async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Starts the run through the broker's API and waits for it, noting the broker's memory as the simulators' access
 * records (one per home read) pass each checkpoint.
 */
async function measuredRun(
  broker: BrokerUnderTest,
  apiKey: string,
  requestId: string,
  homes: number,
  simulator: { stats(): Promise<SimulatedServerStats[]> },
) {
  const mb = (bytes: number) => bytes / 2 ** 20;
  const before = await broker.memory();
  const checkpoints: Checkpoint[] = [];
  const pending = [...CHECKPOINTS.filter((size) => size < homes), homes];
  const id = await startRunAsCouncil(broker.url, apiKey, requestId);
  for (;;) {
    const records = (await simulator.stats()).reduce((sum, server) => sum + server.puts, 0);
    while (pending.length > 0 && records >= pending[0]!) {
      const now = await broker.memory();
      checkpoints.push({
        homes: pending.shift()!,
        rssMb: mb(now.rss),
        heapMb: mb(now.heapUsed),
        peakRssMb: mb(now.peakRss),
        peakHeapMb: mb(now.peakHeap),
      });
    }
    const [row] = await broker.db.query<{
      state: string;
      started_at: Date;
      finished_at: Date | null;
      error: string | null;
    }>('SELECT state, started_at, finished_at, error FROM runs WHERE id = $1', [id]);
    if (row!.state === 'failed') throw new Error(`run failed: ${row!.error}`);
    if (row!.state === 'done') {
      const end = await broker.memory();
      const cells = await broker.db.query<{ mean: number | null; homes: number | null }>(
        'SELECT mean, homes FROM run_cells WHERE run_id = $1',
        [id],
      );
      return {
        seconds: (row!.finished_at!.getTime() - row!.started_at.getTime()) / 1000,
        rssBeforeMb: mb(before.rss),
        heapBeforeMb: mb(before.heapUsed),
        cpuMs: end.cpuMs - before.cpuMs,
        profile: { nodeFlags: end.nodeFlags, mallocArenaMax: end.mallocArenaMax },
        peakRssMb: mb(end.peakRss),
        peakHeapMb: mb(end.peakHeap),
        checkpoints,
        homesCounted: records,
        releasedCells: cells.filter((cell) => cell.mean !== null).length,
      };
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** A number with `digits` decimals. */
const fixed = (value: number, digits = 0) => value.toFixed(digits);

function print(result: BrokerSimResult): void {
  const { options } = result;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `broker on SIMULATED pod servers (bench/pod-sim.ts, not CSS): ${options.homes} homes on ${options.servers} ` +
      `simulators capped at ${fixed(options.ratePerSecond)} requests/s and ${fixed(options.latencyMs, 1)} ms each ` +
      `(${result.capsFrom === 'measured CSS' ? "the real CSS's authenticated GET rate and latency, measured just now" : 'given'}); ` +
      `broker: ${options.maxRequestsPerOrigin} requests per origin, ${options.homesInFlight} homes in flight, ` +
      `${options.databaseUrl === undefined ? 'PGlite in process' : 'PostgreSQL'}`,
  );
  const { nodeFlags, mallocArenaMax } = result.memoryProfile;
  out(
    `memory and CPU of the ${result.measured}, which runs with node flags [${nodeFlags.join(' ')}], ` +
      `MALLOC_ARENA_MAX ${mallocArenaMax ?? 'unset'}` +
      (result.residentAtEnd === null
        ? ''
        : `; broker's RSS at the end ${fixed(result.residentAtEnd.sharedMb)} MB shared, ` +
          `${fixed(result.residentAtEnd.privateMb)} MB private`),
  );
  out(
    `${result.cores} cores, load average ${result.loadAverage.map((value) => value.toFixed(2)).join(' ')}; ` +
      `homes enrolled and consents recorded in ${fixed(result.seedSeconds)} s`,
  );
  out(
    `run: ${fixed(result.runSeconds, 1)} s, ${fixed(result.homesPerSecond)} homes/s ` +
      `(simulators' ceiling ${fixed(result.serversCeilingHomesPerSecond)}), broker CPU ${fixed(result.brokerCpuMsPerHome, 2)} ms/home, ` +
      `RSS ${fixed(result.rssBeforeMb)} MB and heap ${fixed(result.heapBeforeMb)} MB before the run, ` +
      `peak RSS ${fixed(result.peakRssMb)} MB, peak heap ${fixed(result.peakHeapMb)} MB; ` +
      `${result.homesCounted} access records, ${result.releasedCells} cells released, ${result.refused} refused, ` +
      `per server at most ${result.peakInFlightPerServer} requests in flight and ${result.peakConnectionsPerServer} connections`,
  );
  const header = ['homes read', 'RSS MB', 'heap MB', 'peak RSS MB', 'peak heap MB'];
  const rows = result.checkpoints.map((point) => [
    String(point.homes),
    fixed(point.rssMb),
    fixed(point.heapMb),
    fixed(point.peakRssMb),
    fixed(point.peakHeapMb),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column]!)).join('  ');
  out([line(header), ...rows.map(line)].join('\n'));
  out(JSON.stringify({ benchmark: 'broker-sim', ...result }));
}

/**
 * `npm run bench -- broker-sim [--homes 50000] [--servers 25] [--rate R --latency-ms L] [--per-origin N]
 * [--homes-in-flight N] [--database-url postgres://…] [--broker-process]`.
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      homes: { type: 'string', default: '50000' },
      servers: { type: 'string', default: '25' },
      rate: { type: 'string' },
      'latency-ms': { type: 'string' },
      'per-origin': { type: 'string' },
      'homes-in-flight': { type: 'string' },
      'database-url': { type: 'string' },
      'broker-process': { type: 'boolean', default: false },
    },
  });
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  print(
    await runBrokerSim({
      homes: Number(values.homes),
      servers: Number(values.servers),
      ratePerSecond: number(values.rate),
      latencyMs: number(values['latency-ms']),
      maxRequestsPerOrigin: number(values['per-origin']),
      homesInFlight: number(values['homes-in-flight']),
      databaseUrl: values['database-url'],
      brokerProcess: values['broker-process'],
    }),
  );
}
