// Broker benchmark: homes aggregated per second by a run, next to the raw authenticated GET rate of the same CSS and the same aggregation in Comunica.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { addCouncil, startBroker, type RunningBroker } from '../src/broker/index.ts';
import { recordGivenConsent } from '../src/broker/consents/consent-transactor.ts';
import type { NewRequest } from '../src/broker/requests/request-schema.ts';
import { createRequest } from '../src/broker/requests/request-transactor.ts';
import { generateFixtureSet, type FixtureSet } from '../src/fixtures/fixture-set.ts';
import { readFixtureReadings } from '../src/fixtures/write-fixtures.ts';
import { summaryQuads } from '../src/pod/formats/daily-summary.ts';
import { createLogger } from '../src/logging.ts';
import { summariseReadings, type DailySummary } from '../src/metrics/index.ts';
import { AccountApi, type Identity } from '../src/pod/account-api.ts';
import { homeProfileTurtle } from '../src/pod/formats/home-profile.ts';
import { PodLayout } from '../src/pod/pod-layout.ts';
import { ensureContainer, patchInsert, writeTurtle } from '../src/pod/resource-write.ts';
import { forEachBounded } from '../src/bounded-concurrency.ts';
import { loginWithClientCredentials, type SolidAgent } from '../src/pod/solid-session.ts';
import { grantAccess } from '../src/pod/wac.ts';
import { copyPod } from './pod-copies.ts';
import { startMemorySampler } from './broker-memory-probe.mjs';
import { serializeTurtle } from '../src/vocab/index.ts';
import { Store } from 'n3';
import type { ConsentedReader } from '../src/broker/aggregation/home-reader.ts';
import { openBrokerDatabase } from '../src/broker/db/open-database.ts';
import type { PodDocument } from '../src/broker/pod-access/audited-pod-reader.ts';
import { accessRecordQuads } from '../src/pod/index.ts';
import { RunExecutor } from '../src/broker/runs/run-executor.ts';
import { createRun } from '../src/broker/runs/run-transactor.ts';
import { cryptoRandomSource } from '../src/privacy/index.ts';
import { enrolHome } from '../src/broker/homes/home-register-transactor.ts';
import { saveRunTrace, startRunTrace } from './run-trace.ts';

/** What to measure. */
export interface BrokerBenchOptions {
  /** Largest population; runs are measured at each of 50, 100, 200, … up to it (and at it). */
  homes: number;
  /** Population sizes measured instead of 50, 100, 200, … (`--sizes 200,2000`); each at most `homes`. */
  sizes?: number[];
  /** Concurrent clients of the raw GET measurement. */
  getClients: number;
  /** Whether to run the Comunica comparison (slow: its cost grows with the square of the sources). */
  comunica: boolean;
  /** Give up on one Comunica query after this long. */
  comunicaTimeoutMs: number;
  /**
   * Pins the pod server to core 0 and this process (broker, floor and raw clients) to core 1 with `taskset`, so
   * the broker's CPU is not taken from the pod server (issue 15). Needs two cores and `taskset`.
   */
  pin: boolean;
  /**
   * A folder to trace the pipeline and broker runs into (`--trace DIR`): a CPU profile of each, its pod requests
   * over time and the run's phases (see bench/run-trace.ts). Profiling slows the runs: not for the figures.
   */
  trace?: string;
  /** The broker's `podAccess.maxRequestsPerOrigin` (`--per-origin N`); default the broker's own. */
  perOrigin?: number;
  /** The broker's `limits.homesInFlight` (`--homes-in-flight N`); default the broker's own. */
  homesInFlight?: number;
  /**
   * Floor and broker run measured this many times at each size, one after the other (`--repeat N`, default 1): a
   * 200-home run lasts ~7 s, and one pair's ratio moved by ±0.1 between back-to-back benches on a quiet machine.
   * The step reports the medians.
   */
  repeat: number;
}

/** What was measured at one population size. */
export interface BrokerBenchStep {
  homes: number;
  documentsPerHome: number;
  /** Authenticated GETs per second of the same documents, `getClients` at once. */
  rawGetPerSecond: number;
  /** Homes per second the raw GET rate allows (its documents per home). */
  rawHomesPerSecond: number;
  /**
   * Homes per second when each home also gets the access record the broker must write (the pod's floor), in the
   * form the broker writes it: a new document per run under `access-log/YYYY-MM/` (`PUT`, `If-None-Match: *`).
   */
  podFloorHomesPerSecond: number;
  /** Each repetition's floor and broker homes/s and their ratio, in the order measured (`repeat` of them). */
  pairs: { floor: number; broker: number; ratio: number }[];
  /** The same floor with the record as an N3 Patch into the monthly `access-log/YYYY-MM.ttl` (before issue 15). */
  podFloorPatchHomesPerSecond: number;
  /** The same floor with the record `POST`ed into `access-log/YYYY-MM/` (the server names it). */
  podFloorPostHomesPerSecond: number;
  /** Homes per second of the run pipeline alone (fetch, streaming parse, values, cohorts, release; no audit). */
  pipelineHomesPerSecond: number;
  pipelineToRawGet: number;
  /**
   * CPU time of this process (every thread) per home during the pipeline run and the broker run: the broker's own
   * cost, which the machine's load changes far less than it changes rates.
   */
  pipelineCpuMsPerHome: number;
  brokerCpuMsPerHome: number;
  /** Homes per second of a broker run, from claimed to done (audit, access log, values, release). */
  brokerHomesPerSecond: number;
  brokerToRawGet: number;
  brokerToPodFloor: number;
  /** Growth of the broker process's heap during the run (peak minus before), and its peak RSS. */
  brokerHeapGrowthMb: number;
  brokerPeakRssMb: number;
  /** RSS of the broker process just before the run (database, modules, caches). */
  brokerRssBeforeMb: number;
  comunicaSeconds: number | null;
  comunicaHomesPerSecond: number | null;
  brokerToComunica: number | null;
  comunicaPeakRssMb: number | null;
  /** Whether Comunica's area means match the broker's (to the broker's 2 decimals). */
  comunicaAgrees: boolean | null;
  /** Each released area's mean from the broker and from Comunica. */
  areaMeans: { area: string; broker: number | null; comunica: number | null }[];
}

export interface BrokerBenchResult {
  options: BrokerBenchOptions;
  seedSeconds: number;
  steps: BrokerBenchStep[];
}

export const DEFAULT_OPTIONS: BrokerBenchOptions = {
  homes: 200,
  getClients: 16,
  comunica: true,
  comunicaTimeoutMs: 20 * 60 * 1000,
  pin: true,
  repeat: 1,
};

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Homes per bench area: areas are filled in order, so the first N homes fill whole areas. */
const HOMES_PER_AREA = 25;
export const MONTH = '2026-01';
export const METRIC = 'temperature.mean';

/** The benches' one request shape: January's mean temperature over the given areas, monthly, k = 10. */
export function januaryRequest(
  title: string,
  areas: string[],
  aggregation: NewRequest['aggregation'] = 'plain',
): NewRequest {
  return {
    title,
    purpose: 'https://w3id.org/dpv#ProvideOfficialStatistics',
    description: 'Benchmark',
    metrics: [METRIC],
    areas,
    period: { from: '2026-01-01', to: '2026-01-31' },
    granularity: 'month',
    split: 'none',
    minCohort: 10,
    consentUntil: '2036-12-31',
    aggregation,
  };
}
export const TIME_ZONE = 'Europe/London';

/** A bench home: its resident's WebID and pod, the area it is placed in, and its pod layout. */
export interface BenchHome {
  resident: { webId: string; pod: string };
  /** The resident's login, for a home seeded through the pod server's API; a copy on disk has none. */
  login?: Identity;
  /** For a copy, the seeded home whose pod it copies (see bench/pod-copies.ts). */
  copyOf?: BenchHome;
  area: string;
  layout: PodLayout;
}

/** A forced full garbage collection, so heap baselines are comparable between runs. */
const collectGarbage = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** The GSS-shaped code of bench area `index` (invented, like the fixture wards). */
function areaCode(index: number): string {
  return `E05${String(990000 + index).padStart(6, '0')}`;
}

/**
 * Provisions a resident, trying again under a new name when the pod server fails part-way: a loaded CSS can let
 * an account lock expire (500 after 6 s), and an account left without its pod cannot be resumed.
 */
async function provisionWithRetries(api: AccountApi, baseName: string): Promise<Identity> {
  for (let attempt = 0; ; attempt++) {
    const name = attempt === 0 ? baseName : `${baseName}-retry${attempt}`;
    try {
      return await api.provision({
        email: `${name}@bench.example`,
        password: `pw-${name}-secret`,
        podName: name,
      });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Each fixture home's January temperature summaries, computed from its readings in `pods-fixtures/`. */
export async function fixtureTemperatureSummaries(
  fixtures: FixtureSet = generateFixtureSet(),
): Promise<Map<string, DailySummary[]>> {
  const summaries = new Map<string, DailySummary[]>();
  for (const fixture of fixtures.homes) {
    const readings = (await readFixtureReadings('pods-fixtures', fixture.id)).filter(
      (reading) => reading.property === 'temperature',
    );
    summaries.set(
      fixture.id,
      summariseReadings(readings, TIME_ZONE, { now: new Date('2026-02-02T00:00:00Z') }),
    );
  }
  return summaries;
}

/** A fixture home's summaries as the Turtle document the gateway leaves in its pod (each shared triple once). */
export function summaryDocumentTurtle(summaries: readonly DailySummary[], layout: PodLayout): string {
  const document = layout.summaryDocument('temperature', MONTH);
  // The gateway appends with N3 Patch, which keeps the day's shared interval triples once: so do we.
  const quads = new Store(summaries.flatMap((summary) => summaryQuads(summary, layout, TIME_ZONE))).getQuads(
    null,
    null,
    null,
    null,
  );
  return serializeTurtle(quads, { baseIRI: document });
}

/** One home per fixture home is seeded through the pod server's API; beyond that, copies on disk (when allowed). */
const SEEDED_THROUGH_API = 24;

/**
 * Creates `count` homes: an account and pod each, the home profile and January temperature summaries of one of
 * the 24 fixture homes (in turn), and the Read and Append grants a consent gives the broker. The consent records
 * themselves are left out: runs never read them, and the broker's index is filled directly. With `podsDir` (the
 * pod server's folder), homes after the first 24 are copies of the seeded home of their fixture, written on the
 * server's disk with their own name and area (bench/pod-copies.ts): thousands of homes in seconds.
 */
export async function seedHomes(
  server: string,
  brokerWebId: string,
  count: number,
  podsDir?: string,
): Promise<BenchHome[]> {
  const fixtures = generateFixtureSet();
  const summaries = await fixtureTemperatureSummaries(fixtures);
  const api = new AccountApi(server);
  const seeded = podsDir === undefined ? count : Math.min(count, SEEDED_THROUGH_API);
  const homes: BenchHome[] = new Array(count);
  const homeOf = (index: number) => {
    const fixture = fixtures.homes[index % fixtures.homes.length]!;
    const area = areaCode(Math.floor(index / HOMES_PER_AREA));
    return {
      area,
      home: { area, dwellingType: fixture.dwellingType, timeZone: TIME_ZONE, rooms: fixture.rooms },
    };
  };
  await forEachBounded(
    Array.from({ length: seeded }, (_, index) => index),
    4,
    async (index) => {
      const fixture = fixtures.homes[index % fixtures.homes.length]!;
      const resident = await provisionWithRetries(api, benchPodName(index));
      const { area, home } = homeOf(index);
      const layout = new PodLayout(resident.pod);
      const agent = await loginWithClientCredentials(resident);
      try {
        const document = layout.summaryDocument('temperature', MONTH);
        await Promise.all([
          writeTurtle(agent.fetch, layout.homeProfile, homeProfileTurtle(layout, home)),
          writeTurtle(agent.fetch, document, summaryDocumentTurtle(summaries.get(fixture.id)!, layout)),
          ensureContainer(agent.fetch, layout.accessLog),
        ]);
        const editor = { fetch: agent.fetch, ownerWebId: agent.webId };
        await Promise.all([
          grantAccess(editor, layout.summaryContainer('temperature'), brokerWebId, ['Read']),
          grantAccess(editor, layout.homeProfile, brokerWebId, ['Read']),
          grantAccess(editor, layout.accessLog, brokerWebId, ['Append']),
        ]);
      } finally {
        await agent.logout();
      }
      homes[index] = {
        resident: { webId: resident.webId, pod: resident.pod },
        login: resident,
        area,
        layout,
      };
    },
  );
  for (let index = seeded; index < count; index++) {
    const template = homes[index % seeded]!;
    const pod = `${server}${benchPodName(index)}/`;
    const layout = new PodLayout(pod);
    const { area, home } = homeOf(index);
    await copyPod(
      podsDir!,
      server,
      template.resident.pod,
      pod,
      new Map([[layout.homeProfile, homeProfileTurtle(layout, home)]]),
    );
    homes[index] = {
      resident: { webId: template.resident.webId.replace(template.resident.pod, pod), pod },
      copyOf: template,
      area,
      layout,
    };
  }
  return homes;
}

/** The pod name of bench home `index` (0-based). */
function benchPodName(index: number): string {
  return `bench-${String(index + 1).padStart(4, '0')}`;
}

/** Documents a run reads per home: the home profile and one month of temperature summaries. */
export const DOCUMENTS_PER_HOME = 2;

/** The documents a run reads per home. */
export function documentsOf(home: BenchHome): string[] {
  return [home.layout.homeProfile, home.layout.summaryDocument('temperature', MONTH)];
}

/** Authenticated GETs of every URL, `clients` at once, bodies read in full; returns GETs per second. */
export async function rawGetRate(
  fetchFn: typeof fetch,
  urls: readonly string[],
  clients: number,
): Promise<number> {
  const started = performance.now();
  await forEachBounded(urls, clients, async (url) => {
    const response = await fetchFn(url, { headers: { accept: 'text/turtle' } });
    if (!response.ok) throw new Error(`raw GET answered ${response.status}`);
    await response.arrayBuffer();
  });
  return urls.length / ((performance.now() - started) / 1000);
}

/** How the floor writes a home's access record. */
export type RecordForm = 'create' | 'patch' | 'post';

/**
 * The pod work of an audited read, without the broker: GET each document, then write one access record of the
 * same size as the broker's (one activity, the two resources read, request, consent, reader, two audit rows).
 */
export async function podFloorRate(
  fetchFn: typeof fetch,
  homes: readonly BenchHome[],
  clients: number,
  form: RecordForm,
): Promise<number> {
  const started = performance.now();
  const pass = `${form}-${Date.now()}`;
  await forEachBounded(homes, Math.max(1, clients / 2), async (home, index) => {
    await Promise.all(
      documentsOf(home).map(async (url) => {
        const response = await fetchFn(url, { headers: { accept: 'text/turtle' } });
        await response.arrayBuffer();
      }),
    );
    const id = `${pass}-${index}`;
    // A POSTed record is named by the server; its IRIs here hang off the month's container instead.
    const document =
      form === 'patch'
        ? home.layout.legacyAccessLogDocument(MONTH)
        : form === 'create'
          ? home.layout.accessRecordDocument(MONTH, id)
          : home.layout.accessLogMonth(MONTH);
    const quads = accessRecordQuads({
      document,
      id,
      startedAt: new Date(),
      endedAt: new Date(),
      resources: documentsOf(home),
      requestId: 'bench-floor',
      consentRecord: `${home.layout.consentDocument('bench-floor')}#consent`,
      brokerWebId: 'http://localhost/broker/profile/card#me',
      auditRows: [
        { seq: 2 * index + 1, rowHash: 'a'.repeat(64) },
        { seq: 2 * index + 2, rowHash: 'b'.repeat(64) },
      ],
    });
    if (form === 'patch') await patchInsert(fetchFn, document, quads);
    else if (form === 'create') {
      await writeTurtle(fetchFn, document, serializeTurtle(quads, { baseIRI: document }), {
        ifNoneMatch: '*',
      });
    } else {
      const response = await fetchFn(home.layout.accessLogMonth(MONTH), {
        method: 'POST',
        headers: { 'content-type': 'text/turtle' },
        body: serializeTurtle(quads),
      });
      if (!response.ok) throw new Error(`POST answered ${response.status}`);
      await response.arrayBuffer();
    }
  });
  return homes.length / ((performance.now() - started) / 1000);
}

/** Starts a run of the request as its council would (`POST …/runs`, 202); returns the run's id. */
export async function startRunAsCouncil(
  brokerUrl: string,
  apiKey: string,
  requestId: string,
): Promise<string> {
  const answer = await fetch(`${brokerUrl}api/requests/${requestId}/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}` },
  });
  if (answer.status !== 202) throw new Error(`POST runs answered ${answer.status}: ${await answer.text()}`);
  return ((await answer.json()) as { id: string }).id;
}

/** How often the bench looks whether a broker run has ended; the run's own times are what is measured. */
const RUN_POLL_MS = 250;

/** Runs the request through the broker's HTTP API and returns its duration and the process's memory during it. */
export async function brokerRun(
  broker: RunningBroker,
  apiKey: string,
  requestId: string,
  traceName?: string,
) {
  collectGarbage();
  const before = process.memoryUsage();
  const cpuBefore = process.cpuUsage();
  const trace = traceName === undefined ? undefined : await startRunTrace(`${traceName}.cpuprofile`);
  // Every 50 ms, not 10: the sampler runs on the broker's pinned core, and at 10 ms it took ~0.5 ms of CPU a home
  // from the broker alone (the floor and the pipeline run without it).
  const sampler = startMemorySampler(50);
  try {
    const id = await startRunAsCouncil(broker.url, apiKey, requestId);
    for (;;) {
      const rows = await broker.db.query<{
        state: string;
        started_at: Date;
        finished_at: Date | null;
        error: string;
      }>('SELECT state, started_at, finished_at, error FROM runs WHERE id = $1', [id]);
      const row = rows[0]!;
      if (row.state === 'failed') throw new Error(`run failed: ${row.error}`);
      if (row.state === 'done') {
        const cpu = process.cpuUsage(cpuBefore);
        const cells = await broker.db.query<{ area: string; mean: number | null; homes: number | null }>(
          'SELECT area, mean, homes FROM run_cells WHERE run_id = $1 ORDER BY position',
          [id],
        );
        if (trace !== undefined) {
          const times = await broker.db.query<{ created_at: Date }>(
            'SELECT created_at FROM runs WHERE id = $1',
            [id],
          );
          await saveRunTrace(traceName!, await trace.stop(), {
            created: times[0]!.created_at,
            claimed: row.started_at,
            finished: row.finished_at!,
          });
        }
        const { peakHeap, peakRss } = sampler.reading();
        return {
          seconds: (row.finished_at!.getTime() - row.started_at.getTime()) / 1000,
          cpuMs: (cpu.user + cpu.system) / 1000,
          heapGrowthMb: (peakHeap - before.heapUsed) / 2 ** 20,
          peakRssMb: peakRss / 2 ** 20,
          rssBeforeMb: before.rss / 2 ** 20,
          cells,
        };
      }
      // Seldom: each look is a query on the broker's own database, on the thread the run is working on.
      await new Promise((done) => setTimeout(done, RUN_POLL_MS));
    }
  } finally {
    sampler.stop();
  }
}

/** A reader that only fetches and parses: the run pipeline without the audit log and the access-log append. */
function plainReader(fetchFn: typeof fetch): ConsentedReader {
  return {
    async readUnderConsent<T>(
      _consent: unknown,
      urls: readonly string[],
      options: { parse?: (response: Response, url: string) => Promise<T> } = {},
    ): Promise<PodDocument<T>[]> {
      return Promise.all(
        urls.map(async (url) => {
          const response = await fetchFn(url, { headers: { accept: 'text/turtle' } });
          const body = response.ok && options.parse ? await options.parse(response, url) : null;
          if (body === null) await response.body?.cancel();
          return { url, status: response.status, etag: response.headers.get('etag'), body };
        }),
      );
    },
  };
}

/**
 * The same run executed on a scratch in-memory database with the plain reader: what reading, parsing, per-home
 * values, cohorts and release cost by themselves, next to the pod server's raw GET rate.
 */
async function pipelineRun(
  fetchFn: typeof fetch,
  members: readonly BenchHome[],
  request: NewRequest,
  traceName?: string,
): Promise<{ homesPerSecond: number; cpuMs: number }> {
  const db = await openBrokerDatabase({ kind: 'memory' });
  try {
    const council = await addCouncil(db, 'Pipeline Council');
    const now = new Date();
    const requestId = await createRequest(db, council.id, request, now);
    await enrolHomes(db, members);
    for (const home of members) await recordConsent(db, requestId, home, now);
    const runId = await createRun(db, { requestId, epsilon: null }, now);
    const executor = new RunExecutor({
      db,
      reader: plainReader(fetchFn),
      clock: () => new Date(),
      logger: createLogger('bench-pipeline', 'warn'),
      random: cryptoRandomSource(),
      kFloor: 10,
    });
    const trace = traceName === undefined ? undefined : await startRunTrace(`${traceName}.cpuprofile`);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const end = await executor.execute(runId);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    if (trace !== undefined) await saveRunTrace(traceName!, await trace.stop());
    if (end !== 'done') throw new Error(`pipeline run ended ${end}`);
    return { homesPerSecond: members.length / seconds, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await db.close();
  }
}

/**
 * Enrols the homes in a broker database as the operator would (`homedata home enrol`): runs count only enrolled
 * homes, so without this a run reads nothing.
 */
export async function enrolHomes(db: RunningBroker['db'], homes: readonly BenchHome[]): Promise<void> {
  for (const [index, home] of homes.entries()) {
    await enrolHome(db, {
      homeId: `bench-${index + 1}`,
      pod: home.resident.pod,
      gatewayWebId: `${home.resident.pod}gateway#me`,
      residentWebId: home.resident.webId,
    });
  }
}

/** Puts a home's consent to a request straight into the broker's index (the bench skips the resident's side). */
export async function recordConsent(
  db: RunningBroker['db'],
  requestId: string,
  home: BenchHome,
  now: Date,
): Promise<void> {
  await recordGivenConsent(db, {
    request_id: requestId,
    resident_webid: home.resident.webId,
    pod: home.resident.pod,
    record_iri: `${home.layout.consentDocument(requestId)}#consent`,
    area: home.area,
    dwelling_type: 'Flat',
    given_at: now,
    expires_at: new Date('2036-12-31T00:00:00Z'),
  });
}

/** Runs the Comunica peer on the same documents, logged in as the broker. */
async function comunicaRun(
  identity: Identity,
  sources: readonly string[],
  timeoutMs: number,
): Promise<{ ms: number; rows: { area: string; homes: number; mean: number }[]; peakRssMb: number } | null> {
  const child = spawn(process.execPath, [resolve('bench/comunica/aggregate.mjs')], {
    cwd: resolve('bench/comunica'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end(
    JSON.stringify({
      issuer: identity.issuer,
      clientId: identity.clientId,
      clientSecret: identity.clientSecret,
      sources,
    }),
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  clearTimeout(timer);
  if (code !== 0) return null;
  return JSON.parse(output.trim().split('\n').pop()!) as {
    ms: number;
    rows: { area: string; homes: number; mean: number }[];
    peakRssMb: number;
  };
}

/** Starts the pod server in a child process, so the broker's memory is measured alone; resolves with its URL. */
export async function startPodServerChild(
  dataDir: string,
  pin = false,
): Promise<{ url: string; child: ChildProcess }> {
  const command = [
    process.execPath,
    resolve('bin/run-ts.js'),
    resolve('bench/broker.ts'),
    '--serve-pods',
    dataDir,
  ];
  const [file, ...args] = pin ? ['taskset', '-c', String(POD_SERVER_CORE), ...command] : command;
  const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.startsWith('{')) return { url: (JSON.parse(line) as { url: string }).url, child };
  }
  throw new Error('the pod server child exited before it was ready');
}

/** The cores of a pinned run: the pod server on one, everything else in this process on the other. */
const POD_SERVER_CORE = 0;
const BROKER_CORE = 1;

/** Pins every thread of this process (the broker, the floor and raw clients, PGlite) to the broker's core. */
function pinThisProcess(): void {
  execFileSync('taskset', ['-a', '-cp', String(BROKER_CORE), String(process.pid)], { stdio: 'ignore' });
}

/** Population sizes measured: 50, 100, 200, … below `max`, then `max` itself. */
function stepsUpTo(max: number): number[] {
  const steps: number[] = [];
  for (let size = 50; size < max; size *= 2) steps.push(size);
  steps.push(max);
  return steps;
}

/** What every step is measured with. */
interface StepContext {
  broker: RunningBroker;
  council: { id: string; apiKey: string };
  /** The floor's and raw GETs' client: the broker's identity in a session of its own. */
  reader: SolidAgent;
  brokerIdentity: Identity;
  homes: readonly BenchHome[];
  options: BrokerBenchOptions;
}

/** Homes of the warm-up step: enough for each measure's code to be compiled hot and its connections open. */
const WARM_UP_HOMES = 50;

/** Measures the first `size` homes: raw GETs, the floors, the pipeline, a broker run and (optionally) Comunica. */
async function measureStep(context: StepContext, size: number): Promise<BrokerBenchStep> {
  const { broker, council, reader, brokerIdentity, options } = context;
  const members = context.homes.slice(0, size);
  const areas = [...new Set(members.map((home) => home.area))];
  const now = new Date();
  const request = januaryRequest(`Bench ${size}`, areas);
  const requestId = await createRequest(broker.db, council.id, request, now);
  for (const home of members) await recordConsent(broker.db, requestId, home, now);
  const urls = members.flatMap(documentsOf);
  const rawGetPerSecond = await rawGetRate(reader.fetch, urls, options.getClients);
  // The create form first: it also makes each home's month container the POST form writes into.
  const podFloorHomesPerSecond = await podFloorRate(reader.fetch, members, options.getClients, 'create');
  const podFloorPatchHomesPerSecond = await podFloorRate(reader.fetch, members, options.getClients, 'patch');
  const podFloorPostHomesPerSecond = await podFloorRate(reader.fetch, members, options.getClients, 'post');
  const traceName = (run: string) =>
    options.trace === undefined ? undefined : join(options.trace, `${run}-${size}`);
  const pipeline = await pipelineRun(reader.fetch, members, request, traceName('pipeline'));
  const pipelineHomesPerSecond = pipeline.homesPerSecond;
  const run = await brokerRun(broker, council.apiKey, requestId, traceName('broker'));
  if (run.cells.every((cell) => cell.mean === null)) {
    throw new Error(`the ${size}-home run released no cell: it read no home (enrolment, grants?)`);
  }
  const firstRate = size / run.seconds;
  const pairs = [
    { floor: podFloorHomesPerSecond, broker: firstRate, ratio: firstRate / podFloorHomesPerSecond },
  ];
  for (let repetition = 1; repetition < options.repeat; repetition++) {
    const floor = await podFloorRate(reader.fetch, members, options.getClients, 'create');
    const rate = size / (await brokerRun(broker, council.apiKey, requestId)).seconds;
    pairs.push({ floor, broker: rate, ratio: rate / floor });
  }
  const brokerHomesPerSecond = median(pairs.map((pair) => pair.broker));
  const podFloorMedian = median(pairs.map((pair) => pair.floor));
  const rawHomesPerSecond = rawGetPerSecond / DOCUMENTS_PER_HOME;
  const comunica = options.comunica
    ? await comunicaRun(brokerIdentity, urls, options.comunicaTimeoutMs)
    : null;
  const comunicaHomesPerSecond = comunica ? size / (comunica.ms / 1000) : null;
  const agrees =
    comunica === null
      ? null
      : run.cells.every((cell) => {
          const row = comunica.rows.find((candidate) => candidate.area === cell.area);
          return cell.mean === null || (row !== undefined && Math.abs(row.mean - cell.mean) < 0.006);
        });
  return {
    homes: size,
    documentsPerHome: DOCUMENTS_PER_HOME,
    rawGetPerSecond,
    rawHomesPerSecond,
    podFloorHomesPerSecond: podFloorMedian,
    pairs,
    podFloorPatchHomesPerSecond,
    podFloorPostHomesPerSecond,
    pipelineHomesPerSecond,
    pipelineToRawGet: pipelineHomesPerSecond / rawHomesPerSecond,
    pipelineCpuMsPerHome: pipeline.cpuMs / size,
    brokerCpuMsPerHome: run.cpuMs / size,
    brokerHomesPerSecond,
    brokerToRawGet: brokerHomesPerSecond / rawHomesPerSecond,
    brokerToPodFloor: median(pairs.map((pair) => pair.ratio)),
    brokerHeapGrowthMb: run.heapGrowthMb,
    brokerPeakRssMb: run.peakRssMb,
    brokerRssBeforeMb: run.rssBeforeMb,
    comunicaSeconds: comunica ? comunica.ms / 1000 : null,
    comunicaHomesPerSecond,
    brokerToComunica: comunicaHomesPerSecond ? brokerHomesPerSecond / comunicaHomesPerSecond : null,
    comunicaPeakRssMb: comunica?.peakRssMb ?? null,
    comunicaAgrees: agrees,
    areaMeans: run.cells.map((cell) => ({
      area: cell.area,
      broker: cell.mean,
      comunica: comunica?.rows.find((row) => row.area === cell.area)?.mean ?? null,
    })),
  };
}

/** Seeds the homes once and measures each population size. */
export async function runBrokerBench(input: Partial<BrokerBenchOptions> = {}): Promise<BrokerBenchResult> {
  const options = { ...DEFAULT_OPTIONS, ...input };
  const dir = await mkdtemp(join(tmpdir(), 'homedata-bench-broker-'));
  if (options.pin) pinThisProcess();
  if (options.trace !== undefined) await mkdir(options.trace, { recursive: true });
  const podsDir = join(dir, 'pods');
  const pods = await startPodServerChild(podsDir, options.pin);
  let broker: RunningBroker | undefined;
  let reader: SolidAgent | undefined;
  try {
    const brokerIdentity = await new AccountApi(pods.url).provision({
      email: 'broker@bench.example',
      password: 'pw-bench-broker-secret',
      podName: 'broker',
    });
    const seedStarted = performance.now();
    const homes = await seedHomes(pods.url, brokerIdentity.webId, options.homes, podsDir);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    broker = await startBroker(
      {
        port: 0,
        issuer: pods.url,
        webId: brokerIdentity.webId,
        clientId: brokerIdentity.clientId,
        clientSecret: brokerIdentity.clientSecret,
        dbDir: join(dir, 'broker-db'),
        rateLimit: { windowMs: 60_000, max: 1_000_000 },
        ...(options.perOrigin === undefined
          ? {}
          : { podAccess: { maxRequestsPerOrigin: options.perOrigin } }),
        ...(options.homesInFlight === undefined ? {} : { limits: { homesInFlight: options.homesInFlight } }),
      },
      { logger: createLogger('bench-broker', 'warn') },
    );
    const council = await addCouncil(broker.db, 'Bench Council');
    await enrolHomes(broker.db, homes);
    reader = await loginWithClientCredentials(brokerIdentity);

    const context = { broker, council, reader, brokerIdentity, homes, options };
    // Every measure once before any figure is taken, so that none is measured cold while another is warm: the
    // first step's pipeline otherwise compiled the parser for the broker run after it (docs/aggregation.md).
    await measureStep(
      { ...context, options: { ...options, comunica: false, trace: undefined, repeat: 1 } },
      Math.min(WARM_UP_HOMES, options.homes),
    );
    const steps: BrokerBenchStep[] = [];
    for (const size of options.sizes ?? stepsUpTo(options.homes))
      steps.push(await measureStep(context, size));
    return { options, seedSeconds, steps };
  } finally {
    await reader?.logout();
    await broker?.stop();
    pods.child.kill('SIGTERM');
    await new Promise((done) => pods.child.once('exit', done));
    await rm(dir, { recursive: true, force: true });
  }
}

/** A number with `digits` decimals, or a dash. */
function fixed(value: number | null, digits = 1): string {
  return value === null ? '—' : value.toFixed(digits);
}

/** Prints the result as a table and one JSON line. */
function print(result: BrokerBenchResult): void {
  const header = [
    'homes',
    'raw GET/s',
    'raw homes/s',
    'floor homes/s',
    'floor patch',
    'floor POST',
    'pipeline homes/s',
    'pipeline/raw',
    'broker homes/s',
    'broker/raw',
    'broker/floor',
    'pipeline CPU ms/home',
    'broker CPU ms/home',
    'comunica homes/s',
    'broker/comunica',
    'broker heap +MB',
    'broker RSS MB',
    'comunica RSS MB',
    'agree',
  ];
  const rows = result.steps.map((step) => [
    String(step.homes),
    fixed(step.rawGetPerSecond),
    fixed(step.rawHomesPerSecond),
    fixed(step.podFloorHomesPerSecond),
    fixed(step.podFloorPatchHomesPerSecond),
    fixed(step.podFloorPostHomesPerSecond),
    fixed(step.pipelineHomesPerSecond),
    fixed(step.pipelineToRawGet, 2),
    fixed(step.brokerHomesPerSecond),
    fixed(step.brokerToRawGet, 2),
    fixed(step.brokerToPodFloor, 2),
    fixed(step.pipelineCpuMsPerHome),
    fixed(step.brokerCpuMsPerHome),
    fixed(step.comunicaHomesPerSecond, 2),
    fixed(step.brokerToComunica),
    fixed(step.brokerHeapGrowthMb),
    fixed(step.brokerPeakRssMb, 0),
    fixed(step.comunicaPeakRssMb, 0),
    step.comunicaAgrees === null ? '—' : String(step.comunicaAgrees),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column]!)).join('  ');
  process.stdout.write(
    `broker benchmark: ${result.options.homes} homes seeded in ${result.seedSeconds.toFixed(0)} s` +
      `${result.options.pin ? ', pod server pinned to core 0, broker to core 1' : ''}\n`,
  );
  process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
  for (const step of result.steps) {
    if (step.pairs.length < 2) continue;
    const pairs = step.pairs.map(
      (pair) => `${fixed(pair.floor)}/${fixed(pair.broker)} = ${fixed(pair.ratio, 2)}`,
    );
    process.stdout.write(`${step.homes} homes, floor/broker homes/s by repetition: ${pairs.join(', ')}\n`);
  }
  process.stdout.write(`${JSON.stringify({ benchmark: 'broker', ...result })}\n`);
}

/** A comma-separated list of whole numbers of at least 1, e.g. `1,2,4`. */
function countsOf(flag: string, text: string): number[] {
  const counts = text.split(',').map(Number);
  if (counts.some((count) => !Number.isInteger(count) || count < 1)) {
    throw new Error(`${flag} is a comma-separated list of whole numbers of at least 1, e.g. 1,2,4`);
  }
  return counts;
}

/**
 * `npm run bench -- broker [--homes N] [--sizes 200,2000] [--get-clients N] [--no-comunica] [--no-pin] [--per-origin N]
 * [--homes-in-flight N] [--repeat N]`; with `--processes 1,2,4`
 * and/or `--pod-servers N`, the scale-out bench instead (broker-processes.ts): that many `homedata broker`
 * processes sharing each run on PostgreSQL (`--database-url`, else DATABASE_URL or TEST_DATABASE_URL) over homes
 * spread across N CSS processes, or across `--sim-servers N` simulated ones (bench/pod-sim.ts; `--sim-rate`
 * requests/s and `--sim-latency-ms` each).
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      homes: { type: 'string' },
      'get-clients': { type: 'string' },
      'no-comunica': { type: 'boolean' },
      'no-pin': { type: 'boolean' },
      trace: { type: 'string' },
      sizes: { type: 'string' },
      'serve-pods': { type: 'string' },
      processes: { type: 'string' },
      'pod-servers': { type: 'string' },
      'database-url': { type: 'string' },
      'sim-servers': { type: 'string' },
      'sim-rate': { type: 'string' },
      'sim-latency-ms': { type: 'string' },
      'per-origin': { type: 'string' },
      'homes-in-flight': { type: 'string' },
      repeat: { type: 'string' },
    },
  });
  if (values['serve-pods']) {
    // Imported only here: loading CSS into the measuring process would swamp the broker's memory figures.
    const { startPodServer } = await import('../src/pod/pod-server.ts');
    const server = await startPodServer({
      dataDir: values['serve-pods'],
      port: 0,
      logLevel: 'error',
      // The bench provisions its homes through the account API.
      registration: 'open',
    });
    process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
    process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
    return;
  }
  const homes = Number(values.homes ?? DEFAULT_OPTIONS.homes);
  if (!Number.isInteger(homes) || homes < 10) throw new Error('--homes is a whole number of at least 10');
  if (
    values.processes !== undefined ||
    values['pod-servers'] !== undefined ||
    values['sim-servers'] !== undefined
  ) {
    const databaseUrl =
      values['database-url'] ?? process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? undefined;
    if (databaseUrl === undefined) {
      throw new Error('broker processes share PostgreSQL: give --database-url (or DATABASE_URL)');
    }
    const { runProcessesBench, printProcessesBench } = await import('./broker-processes.ts');
    printProcessesBench(
      await runProcessesBench({
        homes,
        processes: countsOf('--processes', values.processes ?? '1'),
        podServers: countsOf('--pod-servers', values['pod-servers'] ?? '1')[0]!,
        // The simulator's caps default to the figures taken from measured CSS (150 requests/s, 20 ms).
        simulator:
          values['sim-servers'] === undefined
            ? undefined
            : {
                servers: countsOf('--sim-servers', values['sim-servers'])[0]!,
                ratePerSecond: Number(values['sim-rate'] ?? 150),
                latencyMs: Number(values['sim-latency-ms'] ?? 20),
              },
        databaseUrl,
        getClients: Number(values['get-clients'] ?? DEFAULT_OPTIONS.getClients),
      }),
    );
    return;
  }
  print(
    await runBrokerBench({
      homes,
      getClients: Number(values['get-clients'] ?? DEFAULT_OPTIONS.getClients),
      comunica: !values['no-comunica'],
      pin: !values['no-pin'],
      repeat: values.repeat === undefined ? 1 : countsOf('--repeat', values.repeat)[0]!,
      ...(values.trace === undefined ? {} : { trace: resolve(values.trace) }),
      ...(values['per-origin'] === undefined
        ? {}
        : { perOrigin: countsOf('--per-origin', values['per-origin'])[0]! }),
      ...(values['homes-in-flight'] === undefined
        ? {}
        : { homesInFlight: countsOf('--homes-in-flight', values['homes-in-flight'])[0]! }),
      ...(values.sizes === undefined
        ? {}
        : { sizes: countsOf('--sizes', values.sizes).filter((size) => size <= homes) }),
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
