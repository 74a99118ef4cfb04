// Integration: prio3 requests end to end on the fixture homes (real CSS, the helper as its own process): the broker
// never holds a home's value, releases what the plain mode releases, and refuses a lying gateway's report.
import { Buffer } from 'node:buffer';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { addCouncil, startBroker, type NewCouncil, type RunningBroker } from '../../../src/broker/index.ts';
import type { BrokerInfo, PublicRequest, ResultsDocument, RunView } from '../../../src/broker/contract.ts';
import { forEachBounded } from '../../../src/bounded-concurrency.ts';
import {
  BrokerClient,
  grantConsent,
  revokeConsent,
  type ConsentContext,
} from '../../../src/consent/index.ts';
import {
  collectPrio3Batch,
  httpHelperClient,
  type HelperClient,
} from '../../../src/broker/private-aggregation/leader-collection.ts';
import { readKeyFile } from '../../../src/broker/private-aggregation/helper-config.ts';
import { readCellReports } from '../../../src/broker/private-aggregation/report-reader.ts';
import { readTurtle } from '../../../src/pod/resource-read.ts';
import { buildPrio3Report, reportRequestsFor } from '../../../src/gateway/prio3-reports.ts';
import {
  bandOf,
  computeHomeValue,
  getMetric,
  parsePeriod,
  summariseReadings,
  vectorMetrics,
  type DailySummary,
  type Property,
} from '../../../src/metrics/index.ts';
import { writeTurtle } from '../../../src/pod/resource-write.ts';
import {
  HELPER,
  LEADER,
  encodeHomeValue,
  encodeHomeVector,
  isHistogramEncoding,
  prio3EncodingFor,
  reportIdHex,
  inputShareAad,
  largestMeasurement,
  prio3SumFor,
  prio3SumVecFor,
  releaseCollectedVector,
  reportQuads,
  sealInputShare,
  sumEncodingFor,
  sumVectorEncodingFor,
  type Prio3Report,
  type Prio3Task,
} from '../../../src/private-aggregation/index.ts';
import { serializeTurtle } from '../../../src/vocab/index.ts';
import { enrolTestHomes } from '../../helpers/enrol-homes.ts';
import { startHelperProcess, type HelperProcess } from '../../helpers/helper-aggregator-process.ts';
import { createActor, type TestActor } from '../../helpers/identities.ts';
import { pgliteScenarioDatabase, type ScenarioDatabase } from '../../helpers/scenario-databases.ts';
import { seedHomes, type SeededHome } from '../runs/seed-homes.ts';

/** 12 fixture homes: released. */
const CENTRAL = 'E05018412';
/** 5 fixture homes: below k, suppressed in both modes. */
const MARKET = 'E05017207';
/** Three sums (one vector report per home: Prio3SumVec) and a banded metric (a Prio3 histogram: homes per CO2 band). */
const METRICS = ['temperature.mean', 'cold.below18.hours', 'damp.rh70.hours', 'co2.night.band'] as const;
const BANDED = 'co2.night.band';
const VECTOR = vectorMetrics(METRICS);
const PROPERTIES: Property[] = ['temperature', 'humidity', 'co2'];
const JANUARY = { from: '2026-01-01', to: '2026-01-31' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The home's January summaries, as its gateway computes them from the readings it already has. */
function summariesOf(home: SeededHome): DailySummary[] {
  const readings = home.readings.filter((reading) => PROPERTIES.includes(reading.property));
  return summariseReadings(readings, home.fixture.timeZone, { now: new Date('2026-02-02T00:00:00Z') });
}

/**
 * A lying gateway's report: it skips the range check and proves a measurement of 2^bits + 7, out of range for the
 * encoding (as attack P16-1 does), sealed properly to both aggregators so that only the proof can refuse it.
 */
async function outOfRangeReport(task: Prio3Task, metricId: string): Promise<Prio3Report> {
  const encoding = sumEncodingFor(metricId, parsePeriod('2026-01'));
  const vdaf = prio3SumFor(encoding);
  const lie = (1n << BigInt(encoding.bits)) + 7n;
  vi.spyOn(vdaf.flp, 'encode').mockReturnValue([lie, ...Array<bigint>(vdaf.flp.measurementLen - 1).fill(0n)]);
  const reportId = new Uint8Array(16).fill(0x5a);
  const sharded = await vdaf.shard(0n, Buffer.from(reportId), Buffer.alloc(vdaf.randSize, 3));
  const publicShare = new Uint8Array(vdaf.encodePublicShare(sharded.publicShare));
  const aad = inputShareAad({ taskId: task.id, reportId, encoding, publicShare });
  const shares = [
    await sealInputShare(
      task.aggregators[LEADER].publicKey,
      LEADER,
      vdaf.encodeInputShare(sharded.inputShares[0]!),
      aad,
    ),
    await sealInputShare(
      task.aggregators[HELPER].publicKey,
      HELPER,
      vdaf.encodeInputShare(sharded.inputShares[1]!),
      aad,
    ),
  ] as const;
  return { taskId: task.id, reportId, encoding, publicShare, shares };
}

/**
 * The forms a home's band could leak in: its one-hot vector as JSON text and as VDAF field elements (Field128,
 * 16 bytes each, little-endian), in hex and base64.
 */
function oneHotPatterns(band: number, bands: number): RegExp[] {
  return entryPatterns(Array.from({ length: bands }, (_, index) => (index === band ? 1 : 0)));
}

/** A measurement of 0/1 entries (a one-hot band, a vector report's bits) as JSON text and as Field128 bytes. */
function entryPatterns(vector: readonly number[]): RegExp[] {
  const bytes = Buffer.concat(vector.map((bit) => littleEndian(BigInt(bit), 16)));
  return [
    new RegExp(`\\[\\s*${vector.join('\\s*,\\s*')}\\s*\\]`),
    new RegExp(bytes.toString('hex')),
    new RegExp(bytes.toString('base64').replace(/[+/]/g, '\\$&')),
  ];
}

/** Little-endian bytes of a non-negative integer, `length` long: how a field element is encoded. */
function littleEndian(value: bigint, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index++) bytes[index] = Number((value >> BigInt(8 * index)) & 0xffn);
  return bytes;
}

/**
 * A number as a token of its own (not inside a longer number, a hash, a base64 or hex string, a date or a time of
 * day): how a leaked value would sit in JSON text or a log line.
 */
function jsonNumber(text: string): RegExp {
  return new RegExp(`(?<![0-9A-Za-z.+/=_-])${text.replace('.', '\\.')}(?![0-9A-Za-z.:])`);
}

/**
 * Fields whose numbers are row sequence numbers, HTTP statuses, process ids, log levels, k, attempts, progress or
 * released (rounded) home counts: a home's value is never in them, and small numbers there would match a home's
 * fixed-point integer by chance. Every other field is searched; BigInts as text.
 */
const COUNTERS = new Set([
  'seq',
  'status',
  'pid',
  'level',
  'k',
  'min_cohort',
  'minCohort',
  'attempts',
  'progress',
  'position',
  'homes',
  'homes_overall',
]);

function withoutCounters(key: string, value: unknown): unknown {
  if (COUNTERS.has(key) && typeof value === 'number') return undefined;
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A JSON text (a log line, a response body) without its counter fields; other text as it is. */
function reserialized(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), withoutCounters);
  } catch {
    return text;
  }
}

describe('prio3 runs on the fixture homes (helper as its own process)', () => {
  const server = inject('podServer');
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  const bodies: string[] = [];
  let database: ScenarioDatabase;
  let brokerActor: TestActor;
  let helperActor: TestActor;
  let helper: HelperProcess;
  let broker: RunningBroker;
  let council: NewCouncil;
  let homes: SeededHome[];
  let info: BrokerInfo;
  let plainRequest: string;
  let prio3Request: string;
  let liarRequest: string;
  let dpRequest: string;

  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${broker.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${council.apiKey}`, ...init.headers },
    });
    const text = await response.text();
    bodies.push(text);
    return { status: response.status, text };
  };
  const createRequest = async (body: Record<string, unknown>) => {
    const answer = await call('api/requests', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Cold and damp homes',
        purpose: 'https://w3id.org/dpv#ImprovePublicServices',
        description: 'Where to target insulation and ventilation grants.',
        period: JANUARY,
        granularity: 'month',
        minCohort: 10,
        consentUntil: '2036-12-31',
        areas: [CENTRAL, MARKET],
        ...body,
      }),
    });
    expect(answer.status, answer.text).toBe(201);
    return (JSON.parse(answer.text) as { id: string }).id;
  };
  /** Starts a run and waits for it to end; returns its results. */
  const runAndResults = async (requestId: string): Promise<{ run: RunView; results: ResultsDocument }> => {
    const started = await call(`api/requests/${requestId}/runs`, { method: 'POST' });
    expect(started.status, started.text).toBe(202);
    const runId = (JSON.parse(started.text) as RunView).id;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const view = JSON.parse((await call(`api/requests/${requestId}/runs/${runId}`)).text) as RunView;
      if (view.state === 'done' || view.state === 'failed') {
        const results = await call(`api/requests/${requestId}/results?run=${runId}`);
        expect(view.state, JSON.stringify(view)).toBe('done');
        return { run: view, results: JSON.parse(results.text) as ResultsDocument };
      }
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${view.state}`);
      await sleep(200);
    }
  };
  const contextOf = (home: SeededHome): ConsentContext => ({
    session: home.agent,
    broker: new BrokerClient(broker.url, home.agent.fetch),
    pod: home.identity.pod,
  });
  /** What the home's gateway does for a prio3 request: computes, shards, seals and writes each report asked for. */
  const writeReports = async (home: SeededHome, request: PublicRequest, skip: readonly string[] = []) => {
    const summaries = summariesOf(home);
    for (const asked of reportRequestsFor(request, info, home.fixture.timeZone)) {
      if (skip.includes(asked.metricId)) continue;
      const built = await buildPrio3Report(home.layout, asked, summaries);
      if (built !== null) await writeTurtle(home.agent.fetch, built.url, serializeTurtle(built.quads));
    }
  };
  const requestView = async (id: string) =>
    JSON.parse((await call(`api/requests/${id}`)).text) as PublicRequest;

  beforeAll(async () => {
    [database, brokerActor, helperActor] = await Promise.all([
      pgliteScenarioDatabase('homedata-prio3-db-'),
      createActor(server, 'broker'),
      createActor(server, 'helper'),
    ]);
    helper = await startHelperProcess(helperActor.identity, { leaderWebId: brokerActor.identity.webId });
    broker = await startBroker(
      {
        port: 0,
        issuer: server,
        webId: brokerActor.identity.webId,
        clientId: brokerActor.identity.clientId,
        clientSecret: brokerActor.identity.clientSecret,
        rateLimit: { windowMs: 60_000, max: 100_000 },
        privateAggregation: helper.leaderConfig,
        ...database.config,
      },
      { logger },
    );
    council = await addCouncil(broker.db, 'Northbridge Borough Council');
    info = (await (await fetch(`${broker.url}api/broker`)).json()) as BrokerInfo;
    plainRequest = await createRequest({ metrics: METRICS });
    prio3Request = await createRequest({ metrics: METRICS, aggregation: 'prio3' });
    liarRequest = await createRequest({
      title: 'Cold homes (one gateway lies)',
      metrics: ['cold.below18.hours'],
      areas: [CENTRAL],
      aggregation: 'prio3',
    });
    dpRequest = await createRequest({
      title: 'Warmth (differentially private)',
      metrics: ['temperature.mean'],
      areas: [CENTRAL],
      aggregation: 'prio3',
      dp: { epsilon: 1 },
    });
    const central = Array.from({ length: 12 }, (_, index) => `home-${String(index + 1).padStart(2, '0')}`);
    const market = ['home-20', 'home-21', 'home-22', 'home-23', 'home-24'];
    homes = await seedHomes(
      server,
      [...central, ...market].map((homeId) => ({ homeId })),
      // Two at a time: account creation takes a lock CSS lets expire after 6 s on a busy machine.
      { properties: PROPERTIES, concurrency: 2 },
    );
    await enrolTestHomes(
      broker.db,
      homes.map((home) => ({ pod: home.identity.pod })),
    );
    const [prio3View, liarView] = await Promise.all([requestView(prio3Request), requestView(liarRequest)]);
    const liar = homes.find((home) => home.fixture.id === 'home-12')!;
    await forEachBounded(homes, 4, async (home) => {
      await grantConsent(contextOf(home), plainRequest);
      await grantConsent(contextOf(home), prio3Request);
      await writeReports(home, prio3View);
      if (home.area !== CENTRAL) return;
      await grantConsent(contextOf(home), liarRequest);
      await writeReports(home, liarView, home === liar ? ['cold.below18.hours'] : []);
    });
    const task: Prio3Task = {
      id: liarRequest,
      aggregators: [
        {
          id: info.privateAggregation!.leader.id,
          publicKey: Buffer.from(info.privateAggregation!.leader.publicKey, 'base64'),
        },
        {
          id: info.privateAggregation!.helper.id,
          publicKey: Buffer.from(info.privateAggregation!.helper.publicKey, 'base64'),
        },
      ],
    };
    const url = liar.layout.reportDocument(liarRequest, 'cold.below18.hours', '2026-01');
    const lie = await outOfRangeReport(task, 'cold.below18.hours');
    await writeTurtle(liar.agent.fetch, url, serializeTurtle(reportQuads(lie, task, url)));
  }, 900_000);

  afterAll(async () => {
    await broker?.stop();
    await helper?.stop();
    await Promise.all([brokerActor, helperActor, ...(homes ?? [])].map((actor) => actor?.agent.logout()));
    await database?.dispose();
  });

  it('publishes both aggregators and refuses a prio3 request for an additive metric', async () => {
    expect(info.privateAggregation).toEqual({
      leader: { id: brokerActor.identity.webId, publicKey: expect.any(String) },
      helper: { id: helperActor.identity.webId, publicKey: helper.leaderConfig.helper.publicKey },
    });
    const answer = await call('api/requests', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Energy',
        purpose: 'https://w3id.org/dpv#ImprovePublicServices',
        description: 'Energy use.',
        period: JANUARY,
        granularity: 'month',
        consentUntil: '2036-12-31',
        areas: [CENTRAL],
        metrics: ['energy.kwh.perDay'],
        aggregation: 'prio3',
      }),
    });
    expect(answer.status).toBe(422);
    expect(answer.text).toContain('additive');
  });

  let prio3Results: ResultsDocument;
  let prio3RunId: string;

  it('never holds a home value: the broker database, its logs and every response hold no home value in any encoding', async () => {
    const logStart = logLines.length;
    const prio3Run = await runAndResults(prio3Request);
    prio3Results = prio3Run.results;
    prio3RunId = prio3Run.run.id;
    const released = prio3Results.cells.filter((cell) => !cell.suppressed);
    expect(released.map((cell) => cell.area)).toEqual(METRICS.map(() => CENTRAL));

    const tables = await broker.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    );
    expect(tables.map((table) => table.table_name)).toEqual(
      expect.arrayContaining(['requests', 'runs', 'run_cells', 'audit_log']),
    );
    const dump: string[] = [];
    for (const { table_name: table } of tables) {
      dump.push(JSON.stringify(await broker.db.query(`SELECT * FROM "${table}"`), withoutCounters));
    }
    const haystacks = {
      database: dump.join('\n'),
      logs: logLines.slice(logStart).map(reserialized).join('\n'),
      responses: bodies.map(reserialized).join('\n'),
    };
    const releasedFigures = new Set(
      released.flatMap((cell) => (cell.mean === null ? [] : [cell.mean.toFixed(2), cell.mean.toFixed(1)])),
    );
    const labels = getMetric(BANDED).bands!.labels;

    let searched = 0;
    for (const home of homes) {
      const summaries = summariesOf(home);
      for (const metricId of METRICS) {
        const period = reportRequestsFor(await requestView(prio3Request), info, home.fixture.timeZone)[0]!
          .period;
        const value = computeHomeValue(metricId, summaries, period, home.fixture.timeZone);
        if (!value.included || value.value === null) continue;
        const encoding = prio3EncodingFor(metricId, period);
        if (isHistogramEncoding(encoding)) {
          // A home's band: its CO2 mean in any form, its one-hot vector (as JSON, as field bytes) anywhere.
          const band = bandOf(encoding, value.value);
          const patterns = [
            ...[String(value.value), value.value.toFixed(2), value.value.toFixed(1)].map(jsonNumber),
            jsonNumber(String(Math.round(value.value))),
            ...oneHotPatterns(band, labels.length),
          ];
          for (const [where, text] of Object.entries(haystacks)) {
            for (const pattern of patterns) {
              expect(
                pattern.exec(text),
                `${home.fixture.id} band ${band}: ${pattern} in the ${where}`,
              ).toBeNull();
              searched++;
            }
          }
          continue;
        }
        const measurement = encodeHomeValue(encoding, value.value);
        // Skipped, said here: decimals equal to a released cell mean (the cell's figure, not the home's), and whole
        // numbers below 100, which are also counts, k and hours of the day; the fixed-point integer (value × scale)
        // and its bytes are searched for every home all the same.
        const decimals = [String(value.value), value.value.toFixed(2), value.value.toFixed(1)].filter(
          (text) => !releasedFigures.has(text) && !/^\d{1,2}(\.0+)?$/.test(text),
        );
        const patterns: RegExp[] = [...decimals.map(jsonNumber)];
        if (measurement >= 100n)
          patterns.push(jsonNumber(measurement.toString()), new RegExp(`"${measurement}"`));
        for (const length of [8, 16]) {
          const bytes = littleEndian(measurement, length);
          patterns.push(
            new RegExp(bytes.toString('hex')),
            new RegExp(bytes.toString('base64').replace(/[+/]/g, '\\$&')),
          );
        }
        for (const [where, text] of Object.entries(haystacks)) {
          for (const pattern of patterns) {
            const found = pattern.exec(text);
            const around = found === null ? '' : text.slice(Math.max(0, found.index - 200), found.index + 80);
            expect(
              found,
              `${home.fixture.id} ${metricId} ${pattern} in the broker's ${where}: …${around}…`,
            ).toBeNull();
            searched++;
          }
        }
      }
    }
    expect(searched).toBeGreaterThan(homes.length * METRICS.length * 3);

    // The sum metrics travelled as one vector report per home: its whole measurement (inclusion and value bits)
    // is searched too, and the broker collected one vector batch, not a cell per metric.
    expect(VECTOR).toEqual(['damp.rh70.hours', 'temperature.mean', 'cold.below18.hours']);
    expect(prio3SumVecFor(sumVectorEncodingFor(VECTOR, parsePeriod('2026-01'))).flp.field.encodedSize).toBe(
      16,
    );
    const prepared = logLines
      .slice(logStart)
      .map((line) => JSON.parse(line) as { msg: string; metric?: string })
      .filter((line) => line.msg === 'prio3 cell prepared')
      .map((line) => line.metric);
    expect(prepared).toEqual([VECTOR.join(','), BANDED]);
    for (const home of homes) {
      const period = parsePeriod('2026-01');
      const values = new Map(
        VECTOR.map((id) => [id, computeHomeValue(id, summariesOf(home), period, home.fixture.timeZone)]),
      );
      const measurement = encodeHomeVector(sumVectorEncodingFor(VECTOR, period), values);
      for (const [where, text] of Object.entries(haystacks)) {
        for (const pattern of entryPatterns(measurement)) {
          expect(pattern.exec(text), `${home.fixture.id} vector ${pattern} in the ${where}`).toBeNull();
        }
      }
    }

    // No row of the broker's database that names a home (its pod, WebID, enrolled id or release key) names a band.
    const enrolled = await broker.db.query<{ home_id: string; pod: string }>(
      'SELECT home_id, pod FROM enrolled_homes',
    );
    const releases = await broker.db.query<{ home_keys: string[]; metric: string }>(
      'SELECT home_keys, metric FROM releases',
    );
    const banded = releases.filter((row) => row.metric === BANDED);
    // One release per banded cell, standing for the whole cohort: no set of homes per band.
    expect(banded.map((row) => row.home_keys.length)).toEqual([12]);
    const homeMarks = [
      ...homes.flatMap((home) => [home.identity.pod, home.identity.webId]),
      ...enrolled.map((row) => row.home_id),
      ...releases.flatMap((row) => row.home_keys),
    ];
    const bandMarks = [
      ...labels,
      '"band"',
      ...labels.map((_, band) => oneHotPatterns(band, labels.length)[0]!),
    ];
    let homeRows = 0;
    for (const { table_name: table } of tables) {
      for (const row of await broker.db.query(`SELECT * FROM "${table}"`)) {
        const text = JSON.stringify(row, withoutCounters);
        if (!homeMarks.some((mark) => text.includes(mark))) continue;
        homeRows++;
        for (const mark of bandMarks) {
          const found = typeof mark === 'string' ? text.includes(mark) : mark.test(text);
          expect(found, `${table} row naming a home holds ${String(mark)}: ${text.slice(0, 300)}`).toBe(
            false,
          );
        }
      }
    }
    expect(homeRows).toBeGreaterThan(homes.length);
  }, 300_000);

  it('releases the same means (within the fixed-point precision, DP off), the same bands and suppresses the same cells as a plain run', async () => {
    const plainRun = await runAndResults(plainRequest);
    const plain = plainRun.results;
    expect(prio3Results.homes).toBe(plain.homes);
    expect(prio3Results.cells).toHaveLength(plain.cells.length);
    for (const cell of plain.cells) {
      const twin = prio3Results.cells.find(
        (other) => other.area === cell.area && other.metric === cell.metric,
      )!;
      expect(twin.suppressed, `${cell.area} ${cell.metric}`).toBe(cell.suppressed);
      expect(twin.homes).toBe(cell.homes);
      expect(twin.bands, `${cell.area} ${cell.metric}`).toEqual(cell.bands);
      if (cell.suppressed) {
        expect(twin.mean).toBeNull();
        continue;
      }
      if (cell.metric === BANDED) {
        // 12 homes in bands of 3, 5, 4 and 0: each below k = 10, so each withheld; the cell itself is released.
        expect(cell.bands?.map((band) => band.label)).toEqual(getMetric(BANDED).bands!.labels);
        expect(twin.mean).toBeNull();
        continue;
      }
      const { scale } = sumEncodingFor(
        cell.metric,
        reportRequestsFor(await requestView(prio3Request), info, 'Europe/London')[0]!.period,
      );
      // Each home's value is rounded to 1/scale at the home (half a step at most), the released mean to 2 decimals.
      expect(Math.abs(twin.mean! - cell.mean!), cell.metric).toBeLessThanOrEqual(0.5 / scale + 0.01 + 1e-9);
      expect(twin.median).toBeNull();
    }
    expect(plain.cells.filter((cell) => cell.metric === BANDED).map((cell) => cell.suppressed)).toEqual([
      false,
      true,
    ]);
    // The CSV a council downloads: the banded rows alike in both modes.
    const csvRows = async (runId: string, requestId: string) =>
      (await call(`api/requests/${requestId}/results?run=${runId}`, { headers: { accept: 'text/csv' } })).text
        .split('\n')
        .filter((line) => line.includes(BANDED));
    const prio3Csv = await csvRows(prio3RunId, prio3Request);
    expect(prio3Csv).toHaveLength(2);
    expect(prio3Csv).toEqual(await csvRows(plainRun.run.id, plainRequest));
  }, 300_000);

  it("refuses and counts a lying gateway's out-of-range report; the cell is the other homes' mean", async () => {
    const logStart = logLines.length;
    const { results } = await runAndResults(liarRequest);
    const refused = logLines
      .slice(logStart)
      .map((line) => JSON.parse(line) as { msg: string; rejected?: Record<string, number> })
      .find((line) => line.msg === 'prio3 reports refused');
    expect(refused?.rejected).toEqual({ 'invalid-proof': 1 });
    const honest = homes.filter((home) => home.area === CENTRAL && home.fixture.id !== 'home-12');
    const period = reportRequestsFor(await requestView(liarRequest), info, 'Europe/London')[0]!.period;
    const encoding = sumEncodingFor('cold.below18.hours', period);
    const values = honest.map((home) => {
      const value = computeHomeValue('cold.below18.hours', summariesOf(home), period, home.fixture.timeZone);
      return Number(encodeHomeValue(encoding, value.value!)) / encoding.scale;
    });
    expect(values).toHaveLength(11);
    expect(results.cells).toHaveLength(1);
    const [cell] = results.cells;
    expect(cell).toMatchObject({ suppressed: false, homes: 10 });
    const expected = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(cell!.mean!).toBeCloseTo(Math.round(expected * 100) / 100, 6);
    expect(largestMeasurement(encoding)).toBeLessThan(1n << BigInt(encoding.bits));
  }, 300_000);
  it('collects a cell with the helper restarted between preparation and collection: its job is in its own database', async () => {
    const view = await requestView(prio3Request);
    const period = reportRequestsFor(view, info, 'Europe/London')[0]!.period;
    const encoding = sumVectorEncodingFor(VECTOR, period);
    const central = homes.filter((home) => home.area === CENTRAL);
    const task = {
      id: prio3Request,
      aggregators: [{ id: info.privateAggregation!.leader.id }, { id: info.privateAggregation!.helper.id }],
    } as const;
    // The leader's side, done here with the broker's identity: read the cell's reports, prepare, ask the helper.
    const read = await readCellReports(
      async (url) => (await readTurtle(brokerActor.agent.fetch, url))?.store ?? null,
      central.map((home) => home.layout),
      task,
      encoding,
    );
    expect(read.reports).toHaveLength(central.length);
    const leaderKeys = await readKeyFile(helper.leaderConfig.keyFile);
    const client = httpHelperClient(helper.leaderConfig.helper.url, helper.leaderConfig.helper.token);
    let restarts = 0;
    const leaderLines: string[] = [];
    const restarting: HelperClient = {
      createJob: (request) => client.createJob(request),
      aggregateShare: async (jobId, request) => {
        await helper.restart();
        restarts++;
        return client.aggregateShare(jobId, request);
      },
    };
    const outcome = await collectPrio3Batch(
      {
        keys: {
          aggregatorId: LEADER,
          privateKey: leaderKeys.privateKey,
          verifyKey: Buffer.from(helper.leaderConfig.verifyKey, 'base64'),
        },
        taskId: prio3Request,
        encoding,
        reports: read.reports.map((found) => found.report),
        homes: new Map(
          read.reports.map(({ report, home }) => {
            const layout = central[home]!.layout;
            return [
              reportIdHex(report),
              { pod: layout.pod, consentRecord: layout.consentDocument(prio3Request) },
            ];
          }),
        ),
        helper: restarting,
        k: 10,
      },
      pino({ level: 'info' }, { write: (line: string) => void leaderLines.push(line) }),
    );
    expect(restarts).toBe(1);
    expect(outcome.rejected).toEqual({});
    // The run earlier collected exactly these reports: the helper gave its stored share, so the same mean.
    const released = prio3Results.cells.find(
      (cell) => cell.area === CENTRAL && cell.metric === 'temperature.mean',
    )!;
    const release = releaseCollectedVector(encoding, outcome.shares, 10).cells.get('temperature.mean')!;
    expect(release).toMatchObject({ suppressed: false, homes: released.homes });
    expect(Math.round(release.mean! * 100) / 100).toBe(released.mean);
    expect(leaderLines.join('')).toMatch(/"queryCount":2,"msg":"prio3 batch collected again/);
    await expect.poll(() => helper.output()).toMatch(/"queryCount":2,"msg":"aggregate share given"/);
  }, 300_000);

  it('runs the same prio3 request again: the same reports give the same cells (the helper’s stored shares)', async () => {
    const again = (await runAndResults(prio3Request)).results;
    expect(
      again.cells.map((cell) => [cell.area, cell.metric, cell.suppressed, cell.homes, cell.mean]),
    ).toEqual(
      prio3Results.cells.map((cell) => [cell.area, cell.metric, cell.suppressed, cell.homes, cell.mean]),
    );
  }, 300_000);

  it('after one home revokes, a run of the same request cannot difference it out: the helper refuses the overlapping batches', async () => {
    const leaving = homes.find((home) => home.area === CENTRAL && home.fixture.id === 'home-01')!;
    await revokeConsent(contextOf(leaving), prio3Request);
    const logStart = logLines.length;
    const { results } = await runAndResults(prio3Request);
    const central = results.cells.filter((cell) => cell.area === CENTRAL);
    expect(central).toHaveLength(METRICS.length);
    for (const cell of central) expect(cell).toMatchObject({ suppressed: true, mean: null });
    const refusals = logLines
      .slice(logStart)
      .filter((line) => line.includes('the helper refused a batch overlapping an earlier one'));
    // One refusal per batch: the vector's (its three cells) and the banded metric's.
    expect(refusals).toHaveLength(2);
    await expect.poll(() => helper.output()).toMatch(/batch-overlap/);
  }, 300_000);

  it('spends the request’s DP budget as a plain run does: a second prio3 run with the budget spent gets 409 dp-budget-spent', async () => {
    // No home consents to this request: the run releases a suppressed cell, and spends its ε all the same.
    const { run, results } = await runAndResults(dpRequest);
    expect(run).toMatchObject({ state: 'done', epsilon: 1 });
    expect(results).toMatchObject({ epsilon: 1, homes: null });
    expect(results.cells).toMatchObject([{ metric: 'temperature.mean', suppressed: true }]);
    const again = await call(`api/requests/${dpRequest}/runs`, { method: 'POST' });
    expect(again.status, again.text).toBe(409);
    expect(JSON.parse(again.text)).toMatchObject({ type: 'https://homedata.dev/problems/dp-budget-spent' });
  }, 300_000);
});
