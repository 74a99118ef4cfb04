// Gateway benchmark: readings landed per second and pod writes per reading, next to the raw authenticated PUT rate of the same CSS.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateFixtureSet } from '../src/fixtures/fixture-set.ts';
import { simulateReadings } from '../src/fixtures/home-model.ts';
import type { SimulatedHome } from '../src/fixtures/simulated-home.ts';
import { startGateway, type Gateway, type GatewaySettings } from '../src/gateway/index.ts';
import { createLogger } from '../src/logging.ts';
import type { Reading } from '../src/metrics/types.ts';
import { AccountApi, type Identity } from '../src/pod/account-api.ts';
import { setUpHomedataPod } from '../src/pod/homedata-pod.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PodError } from '../src/errors.ts';
import { findFreePort } from '../src/free-port.ts';
import { startPodServer } from '../src/pod/pod-server.ts';
import { patchInsert, writeTurtle } from '../src/pod/resource-write.ts';
import { PodLayout } from '../src/pod/pod-layout.ts';
import { observationQuads, readingsDocumentPrefixes } from '../src/gateway/index.ts';
import { serializeTurtle } from '../src/vocab/turtle.ts';
import { loginWithClientCredentials } from '../src/pod/solid-session.ts';

/** What to measure. */
export interface GatewayBenchOptions {
  /** Homes, each with its own gateway (own outbox, own WebID) writing to its resident's pod. */
  homes: number;
  /** Flushes per home. */
  rounds: number;
  /** Minutes of readings per flush: the freshness a home gets (the default flush interval is 5 minutes). */
  windowMinutes: number;
  /** Seconds between two readings of one sensor. */
  stepSeconds: number;
  /** Concurrent clients for the raw PUT rate. */
  putClients: number;
  /** Seconds the PUT measurement runs. */
  putSeconds: number;
}

/** What was measured. */
export interface GatewayBenchResult {
  homes: number;
  sensorsPerHome: number;
  rounds: number;
  windowMinutes: number;
  stepSeconds: number;
  readings: number;
  podWrites: number;
  readingsPerWrite: number;
  podWritesPerReading: number;
  /** Writes that failed (5xx under load, e.g. CSS's 6 s lock expiry) and were retried. */
  failedWrites: number;
  flushSeconds: number;
  /** Wall time of each round's flushes (all homes at once). */
  roundSeconds: number[];
  readingsLandedPerSecond: number;
  podWritesPerSecond: number;
  outboxCommitsPerSecond: number;
  putClients: number;
  putPerSecond: number;
  /** Raw N3 Patch rate as the gateways (Append only), each patch one flush's readings into the hour's one document. */
  patchPerSecond: number;
  /** Raw create rate as the gateways: each a `PUT` with `If-None-Match: *` of one flush's readings as a new document. */
  createPerSecond: number;
  /** Homes one such pod server could carry at one flush per home per `windowMinutes`, at the measured write rate. */
  homesPerServer: number;
  /**
   * CPU time (user + system) the pod server process spent per request: raw small PUT, raw new flush document, and
   * per gateway write. Unlike the rates it does not count time CSS waited for a CPU or for the bench's own clients.
   */
  serverCpuMsPerPut: number;
  serverCpuMsPerCreate: number;
  serverCpuMsPerGatewayWrite: number;
  /** Homes one fully busy core of CSS could carry at one flush per home per `windowMinutes`, by that CPU time. */
  homesPerServerCore: number;
}

export const DEFAULT_OPTIONS: GatewayBenchOptions = {
  homes: 16,
  rounds: 3,
  windowMinutes: 5,
  stepSeconds: 60,
  putClients: 16,
  putSeconds: 10,
};

/** One home of the benchmark: its simulated sensors, its resident and its gateway identity. */
export interface BenchHome {
  model: SimulatedHome;
  resident: Identity;
  gateway: Identity;
}

/**
 * Runs a provisioning step again after a 5xx: a loaded CSS answers 500 "Lock expired after 6000ms" now and then,
 * which ended a soak run before its first reading. The pod set-up rewrites the same documents, and the account API
 * finds an account an earlier try made with its pod; one left without its pod (the 5xx between the two) is not
 * mended and fails "Account has no pod named …" (AccountApi.ensureAccount).
 */
async function provisionedOnce<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const status = error instanceof PodError ? (error.context.podStatus as number | undefined) : undefined;
      if (attempt >= 4 || status === undefined || status < 500) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }
}

/** Creates the homes' identities and pods on the server. */
export async function provisionHomes(server: string, count: number): Promise<BenchHome[]> {
  const api = new AccountApi(server);
  const fixtures = generateFixtureSet({ homes: count, seed: 'gateway-bench' });
  const homes: BenchHome[] = [];
  for (const model of fixtures.homes) {
    const resident = await provisionedOnce(() =>
      api.provision({ email: model.email, password: model.password, podName: model.podName }),
    );
    const gateway = await provisionedOnce(() => api.provision(model.gateway));
    const agent = await loginWithClientCredentials(resident);
    const devices = model.devices.map(({ id, room, property }) => ({ id, room, property }));
    await provisionedOnce(() =>
      setUpHomedataPod(
        agent,
        resident.pod,
        { area: model.area, dwellingType: model.dwellingType, timeZone: model.timeZone, rooms: model.rooms },
        devices,
        gateway.webId,
      ),
    );
    await agent.logout();
    homes.push({ model, resident, gateway });
  }
  return homes;
}

/** Requests per second of `clients` concurrent loops of `write`, for `seconds`. */
export async function measureRate(
  clients: number,
  seconds: number,
  write: (client: number, index: number) => Promise<unknown>,
): Promise<number> {
  let done = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let index = 0; Date.now() < deadline; index++) {
        await write(client, index);
        done++;
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}

/** Every device's readings in the window that starts at `start`. */
function windowReadings(home: SimulatedHome, start: number, options: GatewayBenchOptions): Reading[] {
  const end = start + options.windowMinutes * 60_000;
  return simulateReadings(home, new Date(start), new Date(end), options.stepSeconds / 60);
}

/** This file, run as a child process that only serves pods (`--pod-server DIR PORT`). */
const SELF = new URL(import.meta.url).pathname;

/**
 * Starts CSS in a child process and resolves once it answers: in production the gateways run on other machines,
 * so the pod server must not share an event loop with sixteen gateways' outboxes.
 */
export async function startPodServerProcess(
  dataDir: string,
  port?: number,
): Promise<{ url: string; child: ChildProcess; cpuMs: () => Promise<number> }> {
  port ??= await findFreePort();
  const runner = join(new URL('.', import.meta.url).pathname, '../bin/run-ts.js');
  const child = spawn(process.execPath, [runner, SELF, '--pod-server', dataDir, String(port)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolveReady, reject) => {
    child.once('exit', (code) => reject(new Error(`pod server process exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolveReady();
    });
  });
  const lines = createInterface({ input: child.stdout! });
  /** The server's CPU time so far: one `cpu` line asked on its stdin, one `cpu MS` line answered. */
  const cpuMs = async (): Promise<number> => {
    const answer = new Promise<number>((resolveCpu) => {
      const onLine = (line: string): void => {
        if (!line.startsWith('cpu ')) return;
        lines.off('line', onLine);
        resolveCpu(Number(line.slice(4)));
      };
      lines.on('line', onLine);
    });
    child.stdin!.write('cpu\n');
    return answer;
  };
  return { url: `http://localhost:${port}/`, child, cpuMs };
}

/** The child side: serves pods until SIGTERM, and answers each `cpu` line on stdin with its CPU time in ms. */
async function servePods(dataDir: string, port: number): Promise<void> {
  // The bench provisions its homes through the account API.
  const server = await startPodServer({ dataDir, port, registration: 'open' });
  process.stdout.write('ready\n');
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.stdout.write(`cpu ${(user + system) / 1000}\n`);
  });
  process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}

/** `measureRate` of `write`, with the pod server's CPU time per request over the same run. */
async function measureRateAndCpu(
  server: { cpuMs: () => Promise<number> },
  clients: number,
  seconds: number,
  write: (client: number, index: number) => Promise<unknown>,
): Promise<{ perSecond: number; cpuMsPerRequest: number }> {
  let requests = 0;
  const cpuBefore = await server.cpuMs();
  const perSecond = await measureRate(clients, seconds, async (client, index) => {
    await write(client, index);
    requests++;
  });
  return { perSecond, cpuMsPerRequest: ((await server.cpuMs()) - cpuBefore) / requests };
}

/** Runs the benchmark on a fresh CSS (its own process), prints a table and one JSON line, and returns the figures. */
export async function runGatewayBench(
  partial: Partial<GatewayBenchOptions> = {},
): Promise<GatewayBenchResult> {
  const options = { ...DEFAULT_OPTIONS, ...partial };
  const root = await mkdtemp(join(tmpdir(), 'homedata-bench-gateway-'));
  const server = await startPodServerProcess(join(root, 'css'));
  const logger = createLogger('gateway', 'silent');
  const gateways: Gateway[] = [];
  try {
    const homes = await provisionHomes(server.url, options.homes);

    const agents = await Promise.all(homes.map((home) => loginWithClientCredentials(home.resident)));
    // The raw authenticated PUT rate: small Turtle documents (10 triples), each client as one resident.
    const small = Array.from(
      { length: 10 },
      (_, index) => `<#s${index}> <http://example.org/p> "${index}" .`,
    ).join('\n');
    const put = await measureRateAndCpu(server, options.putClients, options.putSeconds, (client, index) => {
      const home = homes[client % homes.length]!;
      return writeTurtle(
        agents[client % agents.length]!.fetch,
        `${home.resident.pod}bench/put-${client}-${index}.ttl`,
        small,
      );
    });
    // The two ways of writing a flush, raw (no outbox), each client logged in as one home's gateway (Append only),
    // over consecutive 5-minute windows of 2024 (apart from the hours the gateways write below):
    // - an N3 Patch into the hour's one document, which grows through the hour (the layout before per-flush
    //   documents: CSS reads and rewrites the whole document on every patch);
    // - a new document per flush in the hour's container (`PUT` with `If-None-Match: *`), as the gateway writes now.
    const gatewayAgents = await Promise.all(homes.map((home) => loginWithClientCredentials(home.gateway)));
    const layouts = homes.map((home) => new PodLayout(home.resident.pod));
    const flushOf = (client: number, index: number, year: number) => {
      const home = client % homes.length;
      const start = Date.UTC(year, 0, 1) + (client * 100_000 + index) * options.windowMinutes * 60_000;
      const quads = windowReadings(homes[home]!.model, start, options).flatMap((reading) =>
        observationQuads(reading, layouts[home]!),
      );
      const hour = layouts[home]!.readingsHour(new Date(start));
      return { fetch: gatewayAgents[home]!.fetch, hour, quads, layout: layouts[home]! };
    };
    const patchPerSecond = await measureRate(options.putClients, options.putSeconds, (client, index) => {
      const flush = flushOf(client, index, 2024);
      return patchInsert(flush.fetch, `${flush.hour}hour.ttl`, flush.quads);
    });
    const create = await measureRateAndCpu(
      server,
      options.putClients,
      options.putSeconds,
      (client, index) => {
        const flush = flushOf(client, index, 2025);
        const turtle = serializeTurtle(flush.quads, {
          prefixes: readingsDocumentPrefixes(flush.layout, flush.hour),
        });
        return writeTurtle(flush.fetch, `${flush.hour}${index}.ttl`, turtle, { ifNoneMatch: '*' });
      },
    );
    await Promise.all(gatewayAgents.map((agent) => agent.logout()));
    await Promise.all(agents.map((agent) => agent.logout()));

    for (const [index, home] of homes.entries()) {
      const dataDir = join(root, `gateway-${index}`);
      const settings: GatewaySettings = {
        dataDir,
        pod: home.resident.pod,
        timeZone: home.model.timeZone,
        credentials: home.gateway,
        devices: {},
        flush: { intervalMs: options.windowMinutes * 60_000, maxReadings: 500 },
        // Summaries are a daily write; the benchmark measures the readings path.
        summaries: { enabled: false, graceMs: 0 },
        retry: { baseMs: 500, maxMs: 5000 },
        maxClockSkewMs: 120_000,
        dedupRetentionDays: 400,
        quarantineFile: join(dataDir, 'quarantine.jsonl'),
      };
      gateways.push(await startGateway(settings, { logger, manual: true }));
    }
    // Log every gateway in before timing, as a running gateway is.
    await Promise.all(gateways.map((gateway) => gateway.pod.login()));

    // Windows inside one UTC hour, in the past hour, as in live operation: each flush one new document of that hour.
    const hourStart = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
    let readings = 0;
    let commitMs = 0;
    let flushMs = 0;
    const roundSeconds: number[] = [];
    const writesBefore = gateways.reduce((sum, gateway) => sum + gateway.pod.writes, 0);
    const cpuBefore = await server.cpuMs();
    for (let round = 0; round < options.rounds; round++) {
      const start = hourStart + ((round * options.windowMinutes) % 60) * 60_000;
      const batches = homes.map((home) => windowReadings(home.model, start, options));
      const committing = Date.now();
      const results = await Promise.all(
        gateways.map((gateway, index) => gateway.intake.readings(batches[index]!, { source: 'simulator' })),
      );
      commitMs += Date.now() - committing;
      readings += results.reduce((sum, result) => sum + result.accepted, 0);
      const flushing = Date.now();
      // A failed write is retried as in operation (backoff); the time it costs counts.
      await Promise.all(gateways.map((gateway) => gateway.scheduler.drain(120_000)));
      flushMs += Date.now() - flushing;
      roundSeconds.push((Date.now() - flushing) / 1000);
    }
    const podWrites = gateways.reduce((sum, gateway) => sum + gateway.pod.writes, 0) - writesBefore;
    const serverCpuMsPerGatewayWrite = ((await server.cpuMs()) - cpuBefore) / podWrites;
    const writesPerHome = podWrites / (options.homes * options.rounds);
    const failedWrites = gateways.reduce(
      (sum, gateway) => sum + gateway.pod.attempts - gateway.pod.writes,
      0,
    );
    const flushSeconds = flushMs / 1000;
    const podWritesPerSecond = podWrites / flushSeconds;
    const result: GatewayBenchResult = {
      homes: options.homes,
      sensorsPerHome: Math.round(
        homes.reduce((sum, home) => sum + home.model.devices.length, 0) / homes.length,
      ),
      rounds: options.rounds,
      windowMinutes: options.windowMinutes,
      stepSeconds: options.stepSeconds,
      readings,
      podWrites,
      readingsPerWrite: readings / podWrites,
      podWritesPerReading: podWrites / readings,
      failedWrites,
      flushSeconds,
      roundSeconds,
      readingsLandedPerSecond: readings / flushSeconds,
      podWritesPerSecond,
      outboxCommitsPerSecond: readings / (commitMs / 1000),
      putClients: options.putClients,
      putPerSecond: put.perSecond,
      patchPerSecond,
      createPerSecond: create.perSecond,
      homesPerServer: Math.floor((podWritesPerSecond * options.windowMinutes * 60) / writesPerHome),
      serverCpuMsPerPut: put.cpuMsPerRequest,
      serverCpuMsPerCreate: create.cpuMsPerRequest,
      serverCpuMsPerGatewayWrite,
      homesPerServerCore: Math.floor(
        (options.windowMinutes * 60_000) / (serverCpuMsPerGatewayWrite * writesPerHome),
      ),
    };
    printGatewayBench(result);
    return result;
  } finally {
    for (const gateway of gateways) await gateway.stop({ finalFlushMs: 0 });
    const exited = new Promise((resolveExit) => server.child.once('exit', resolveExit));
    server.child.kill('SIGTERM');
    await exited;
    await rm(root, { recursive: true, force: true });
  }
}

/** Prints the result as a table and one JSON line. */
export function printGatewayBench(result: GatewayBenchResult): void {
  const rows: [string, string][] = [
    ['homes × sensors', `${result.homes} × ${result.sensorsPerHome}`],
    [
      'flushes per home',
      `${result.rounds} (each ${result.windowMinutes} min of readings, one every ${result.stepSeconds} s)`,
    ],
    ['readings landed', String(result.readings)],
    ['pod writes (new flush documents)', String(result.podWrites)],
    ['readings per pod write', result.readingsPerWrite.toFixed(1)],
    ['pod writes per reading', result.podWritesPerReading.toFixed(4)],
    ['failed writes (retried)', String(result.failedWrites)],
    ['flush wall time per round (s)', result.roundSeconds.map((seconds) => seconds.toFixed(2)).join(', ')],
    ['readings landed / s', result.readingsLandedPerSecond.toFixed(0)],
    ['pod writes / s (gateways)', result.podWritesPerSecond.toFixed(1)],
    [`raw PUT / s (${result.putClients} clients, 10 triples)`, result.putPerSecond.toFixed(1)],
    [
      `raw N3 Patch into the hour's document / s (${result.putClients} gateway clients, one flush each)`,
      result.patchPerSecond.toFixed(1),
    ],
    [
      `raw PUT of a new flush document / s (${result.putClients} gateway clients)`,
      result.createPerSecond.toFixed(1),
    ],
    ['outbox commits / s', result.outboxCommitsPerSecond.toFixed(0)],
    [`homes per server at ${result.windowMinutes}-min flushes`, String(result.homesPerServer)],
    [
      'pod server CPU ms per request: raw PUT, raw flush document, gateway write',
      [result.serverCpuMsPerPut, result.serverCpuMsPerCreate, result.serverCpuMsPerGatewayWrite]
        .map((ms) => ms.toFixed(1))
        .join(', '),
    ],
    [
      `homes per busy pod server core at ${result.windowMinutes}-min flushes`,
      String(result.homesPerServerCore),
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  process.stdout.write(`${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`);
  process.stdout.write(`${JSON.stringify({ bench: 'gateway', ...result })}\n`);
}

/** `npm run bench -- gateway [--homes N] [--rounds N] [--window-minutes N] [--step-seconds N] [--put-seconds N]`. */
export async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--pod-server') {
    await servePods(argv[1]!, Number(argv[2]));
    return;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      homes: { type: 'string' },
      rounds: { type: 'string' },
      'window-minutes': { type: 'string' },
      'step-seconds': { type: 'string' },
      'put-clients': { type: 'string' },
      'put-seconds': { type: 'string' },
    },
  });
  const number = (value: string | undefined, fallback: number): number => {
    const parsed = value === undefined ? fallback : Number(value);
    if (!(parsed > 0)) throw new Error(`expected a positive number, got ${value}`);
    return parsed;
  };
  await runGatewayBench({
    homes: number(values.homes, DEFAULT_OPTIONS.homes),
    rounds: number(values.rounds, DEFAULT_OPTIONS.rounds),
    windowMinutes: number(values['window-minutes'], DEFAULT_OPTIONS.windowMinutes),
    stepSeconds: number(values['step-seconds'], DEFAULT_OPTIONS.stepSeconds),
    putClients: number(values['put-clients'], DEFAULT_OPTIONS.putClients),
    putSeconds: number(values['put-seconds'], DEFAULT_OPTIONS.putSeconds),
  });
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  await main(process.argv.slice(2));
}
