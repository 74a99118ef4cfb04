// Leader (broker) and helper over HTTP: cells of the fixture homes, the same as the plain mode, and no value at the leader.
import { Buffer } from 'node:buffer';
import { Writable } from 'node:stream';
import { Store } from 'n3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.ts';
import {
  collectPrio3Cell,
  httpHelperClient,
  type HelperClient,
} from '../../../src/broker/private-aggregation/leader-collection.ts';
import { releaseCohorts } from '../../../src/broker/aggregation/cell-release.ts';
import { ReportPods, startTestHelper, type TestHelper } from '../../helpers/helper-aggregator-app.ts';
import { generateFixtureSet, type FixtureHome } from '../../../src/fixtures/fixture-set.ts';
import { simulateReadings } from '../../../src/fixtures/home-model.ts';
import { buildPrio3Report } from '../../../src/gateway/prio3-reports.ts';
import { createLogger, type Logger } from '../../../src/logging.ts';
import {
  computeHomeValue,
  parsePeriod,
  summariseReadings,
  type DailySummary,
} from '../../../src/metrics/index.ts';
import { PodLayout } from '../../../src/pod/pod-layout.ts';
import { releaseCell, seededRandomSource } from '../../../src/privacy/index.ts';
import {
  LEADER,
  createReportFromMeasurement,
  generateAggregatorKeyPair,
  histogramEncodingFor,
  isHistogramEncoding,
  prio3HistogramFor,
  prio3SumFor,
  readReport,
  sumEncodingFor,
  type AggregatorKeyPair,
  type AggregatorKeys,
  type Prio3Encoding,
  type Prio3Report,
  type Prio3Task,
} from '../../../src/private-aggregation/index.ts';

const period = parsePeriod('2026-01');
const TOKEN = 'leader-token-for-tests';
const K = 10;
const METRICS = ['temperature.mean', 'cold.below18.hours', 'damp.rh70.hours'] as const;
const set = generateFixtureSet();
const summaries = new Map<string, DailySummary[]>();
let leaderPair: AggregatorKeyPair;
let helperPair: AggregatorKeyPair;
let task: Prio3Task;
let leaderKeys: AggregatorKeys;
let testHelper: TestHelper;
let helper: HelperClient;
const pods = new ReportPods();
const verifyKey = new Uint8Array(16).fill(9);
/** Every helper request and response body, as the leader sent and received them. */
const wire: string[] = [];

beforeAll(async () => {
  for (const home of set.homes) {
    const readings = simulateReadings(
      home,
      new Date('2026-01-01T00:00:00Z'),
      new Date('2026-02-01T00:00:00Z'),
      60,
    );
    summaries.set(
      home.id,
      summariseReadings(readings, home.timeZone, { now: new Date('2026-02-02T00:00:00Z') }),
    );
  }
  [leaderPair, helperPair] = await Promise.all([generateAggregatorKeyPair(), generateAggregatorKeyPair()]);
  task = {
    id: 'fixture-run',
    aggregators: [
      { id: 'https://broker.example/id#broker', publicKey: leaderPair.publicKey },
      { id: 'https://helper.example/id#helper', publicKey: helperPair.publicKey },
    ],
  };
  leaderKeys = { aggregatorId: LEADER, privateKey: leaderPair.privateKey, verifyKey };
  const recordingFetch: typeof fetch = async (url, init) => {
    wire.push(String(init?.body ?? ''));
    const response = await fetch(url, init);
    wire.push(await response.clone().text());
    return response;
  };
  testHelper = await startTestHelper(
    {
      privateKey: helperPair.privateKey,
      verifyKey,
      leaderToken: TOKEN,
      minimumBatch: K,
      aggregatorIds: [task.aggregators[0].id, task.aggregators[1].id],
      pods,
      random: seededRandomSource(5),
    },
    { fetch: recordingFetch },
  );
  helper = testHelper.client;
}, 120_000);

afterAll(async () => {
  await testHelper?.close();
});

/** A home's report as the gateway writes it, read back through the report document reader. */
async function reportOf(home: FixtureHome, metricId: string): Promise<Prio3Report | null> {
  const layout = new PodLayout(`https://pods.example/${home.id}/`);
  const built = await buildPrio3Report(
    layout,
    { task, metricId, period, timeZone: home.timeZone },
    summaries.get(home.id)!,
  );
  if (built === null) return null;
  return readReport(new Store(built.quads), built.url).report;
}

/** The included values of `metricId` for `homes` (as the plain mode computes them) and the reports their gateways write. */
async function fixtureCell(homes: readonly FixtureHome[], metricId: string) {
  const values = homes
    .map((home) => computeHomeValue(metricId, summaries.get(home.id)!, period, home.timeZone))
    .filter((value) => value.included)
    .map((value) => value.value!);
  const reports = (await Promise.all(homes.map((home) => reportOf(home, metricId)))).filter(
    (report): report is Prio3Report => report !== null,
  );
  expect(reports).toHaveLength(values.length);
  return { values, reports };
}

/** Collects `reports` as one cell through the leader and the test helper. */
function collectCell(encoding: Prio3Encoding, reports: readonly Prio3Report[], k = K, floor?: number) {
  const cell = {
    keys: leaderKeys,
    taskId: task.id,
    encoding,
    reports,
    homes: pods.put(task, reports),
    helper,
    k,
  };
  return collectPrio3Cell(floor === undefined ? cell : { ...cell, floor }, createLogger('broker', 'silent'));
}

/** A logger whose every line is kept, to search afterwards. */
function capturingLogger(lines: string[]): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return pino({ level: 'debug' }, sink) as unknown as Logger;
}

describe('a Prio3 run through leader and helper', () => {
  it('releases the same means (within the fixed-point precision) and suppresses the same cells as the plain mode', async () => {
    const areas = [...new Set(set.homes.map((home) => home.area))];
    let released = 0;
    let suppressed = 0;
    for (const metricId of METRICS) {
      const encoding = sumEncodingFor(metricId, period);
      for (const area of areas) {
        const homes = set.homes.filter((home) => home.area === area);
        const { values, reports } = await fixtureCell(homes, metricId);
        const plain = releaseCell({ values, k: K, additive: false });
        const { release } = await collectCell(encoding, reports);
        expect(release.suppressed).toBe(plain.suppressed);
        expect(release.homes).toBe(plain.homes);
        if (plain.suppressed) suppressed++;
        else {
          released++;
          // Each home is rounded to 1/scale: the mean moves by at most half a step.
          expect(Math.abs(release.mean! - plain.mean!)).toBeLessThanOrEqual(0.5 / encoding.scale + 1e-9);
          expect(release.median).toBeNull();
        }
      }
    }
    // The fixture's wards hold 12, 7 and 5 homes: one released and two suppressed cells per metric.
    expect({ released, suppressed }).toEqual({ released: 3, suppressed: 6 });
  }, 120_000);

  it('releases the same bands as the plain mode’s banded release, withheld and suppressed alike (DP off)', async () => {
    const metricId = 'co2.night.band';
    const encoding = histogramEncodingFor(metricId, period);
    const areas = [...new Set(set.homes.map((home) => home.area))];
    /** The plain run's release of a banded cell over `values` (releaseCohorts, as a plain run calls it). */
    const plainRelease = (area: string, values: number[], k: number, floor: number) =>
      releaseCohorts(
        [
          {
            area,
            dwellingType: null,
            period: period.label,
            metric: metricId,
            values,
            homeKeys: values.map((_, index) => `${area}-${index}`),
            homeVersions: values.map(() => ({})),
            interval: { from: '2026-01-01', to: '2026-01-31' },
          },
        ],
        { k, floor, dp: null, self: { run: 'plain', request: 'plain' } },
        [],
      ).cells[0]!;
    const released: (number | null)[][] = [];
    // k = 10 (the floor) on every ward, and k = 5 below a floor of 5 on the ward of 12, where bands are released.
    for (const { area, k, floor } of [
      ...areas.map((area) => ({ area, k: K, floor: K })),
      { area: areas[0]!, k: 5, floor: 5 },
    ]) {
      const { values, reports } = await fixtureCell(
        set.homes.filter((home) => home.area === area),
        metricId,
      );
      expect(reports.every((report) => isHistogramEncoding(report.encoding))).toBe(true);
      const { release } = await collectCell(encoding, reports, k, floor);
      const plain = plainRelease(area, values, k, floor);
      expect(release.suppressed, `${area} k=${k}`).toBe(plain.suppressed);
      expect(release.homes).toBe(plain.homes);
      expect(release.bands ?? null).toEqual(plain.bands);
      expect(release.mean).toBeNull();
      if (!release.suppressed) released.push(release.bands!.map((band) => band.homes));
    }
    // The ward of 12 holds 3, 5, 4 and 0 homes per band: at k = 10 each band is below k and withheld, at k = 5 the
    // band of 5 is released and the others (7 homes together) withheld; the wards of 7 and 5 are suppressed.
    expect(released).toEqual([
      [null, null, null, null],
      [null, 5, null, null],
    ]);
  }, 120_000);

  it('refuses a helper aggregate share of the wrong length for a histogram cell (a sum’s single element)', async () => {
    const encoding = histogramEncodingFor('co2.night.band', period);
    const reports = await Promise.all(
      Array.from({ length: K }, (_, index) => createReportFromMeasurement(task, encoding, BigInt(index % 4))),
    );
    const { field } = prio3HistogramFor(encoding).flp;
    const shortShare: HelperClient = {
      createJob: (request) => helper.createJob(request),
      aggregateShare: async (jobId, request) => ({
        ...(await helper.aggregateShare(jobId, request)),
        share: Buffer.from(field.encode([5n])).toString('base64'),
      }),
    };
    await expect(
      collectPrio3Cell(
        {
          keys: leaderKeys,
          taskId: task.id,
          encoding,
          reports,
          homes: pods.put(task, reports),
          helper: shortShare,
          k: K,
        },
        createLogger('broker', 'silent'),
      ),
    ).rejects.toThrow(/aggregate share has the wrong length/);
  });

  it('never holds a home’s value: the leader’s logs, helper traffic and outcome carry none of them', async () => {
    const metricId = 'temperature.mean';
    const encoding = sumEncodingFor(metricId, period);
    const homes = set.homes.slice(0, 12);
    const values = homes.map(
      (home) => computeHomeValue(metricId, summaries.get(home.id)!, period, home.timeZone).value!,
    );
    const measurements = new Set(values.map((value) => BigInt(Math.round(value * encoding.scale))));
    const reports = (await Promise.all(homes.map((home) => reportOf(home, metricId)))).filter(
      (report): report is Prio3Report => report !== null,
    );
    const lines: string[] = [];
    wire.length = 0;
    const outcome = await collectPrio3Cell(
      { keys: leaderKeys, taskId: task.id, encoding, reports, homes: pods.put(task, reports), helper, k: K },
      capturingLogger(lines),
    );
    expect(outcome.release.suppressed).toBe(false);
    expect(lines.length).toBeGreaterThan(0);
    // Logs and the outcome: no number in them equals a home value, in the unit or on the fixed-point grid.
    const numbers = new Set<number>();
    const walk = (node: unknown, key = ''): void => {
      if (typeof node === 'number' && key !== 'time' && key !== 'pid') numbers.add(node);
      else if (typeof node === 'string')
        for (const token of node.match(/-?\d+(\.\d+)?/g) ?? []) numbers.add(Number(token));
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, k);
    };
    for (const line of lines) walk(JSON.parse(line));
    walk({ valid: outcome.valid, rejected: outcome.rejected, homes: outcome.release.homes });
    for (const value of values) {
      expect(numbers).not.toContain(value);
      expect(numbers).not.toContain(Math.round(value * encoding.scale));
    }
    // Helper traffic: every field element the leader sent or received (preparation and aggregate shares).
    const { field } = prio3SumFor(encoding).flp;
    const elements: bigint[] = [];
    for (const body of wire) {
      const parsed = JSON.parse(body) as { leaderShares?: Record<string, string>; share?: string };
      for (const share of Object.values(parsed.leaderShares ?? {})) {
        const bytes = Buffer.from(share, 'base64');
        elements.push(...field.decode(bytes.subarray(0, bytes.length - (bytes.length % field.encodedSize))));
      }
      if (parsed.share !== undefined) elements.push(...field.decode(Buffer.from(parsed.share, 'base64')));
    }
    expect(elements.length).toBeGreaterThan(12);
    for (const element of elements) expect(measurements.has(element)).toBe(false);
  }, 60_000);

  it('does not aggregate a cell below k: the helper is not asked for an aggregate share', async () => {
    const encoding = sumEncodingFor('temperature.mean', period);
    const reports = await Promise.all(
      Array.from({ length: K + 2 }, (_, i) => createReportFromMeasurement(task, encoding, BigInt(150 + i))),
    );
    const asked: string[] = [];
    const counting: HelperClient = {
      createJob: (request) => {
        asked.push('job');
        return helper.createJob(request);
      },
      aggregateShare: (jobId, request) => {
        asked.push('share');
        return helper.aggregateShare(jobId, request);
      },
    };
    const logger = createLogger('broker', 'silent');
    const below = await collectPrio3Cell(
      {
        keys: leaderKeys,
        taskId: task.id,
        encoding,
        reports: reports.slice(0, K - 1),
        homes: pods.put(task, reports.slice(0, K - 1)),
        helper: counting,
        k: K,
      },
      logger,
    );
    expect(below.release).toMatchObject({ suppressed: true, reason: 'below-k' });
    expect(asked).toEqual([]);
    // Enough reports, but three do not open (sealed for another task): too few left, so no job is even started.
    const other = { ...task, id: 'other-task' };
    const foreign = await Promise.all(
      [1n, 2n, 3n].map((m) => createReportFromMeasurement(other, encoding, m)),
    );
    const tampered = foreign.map((report) => ({ ...report, taskId: task.id }));
    const mixed = await collectPrio3Cell(
      {
        keys: leaderKeys,
        taskId: task.id,
        encoding,
        reports: [...reports.slice(0, K - 2), ...tampered],
        homes: pods.put(task, [...reports.slice(0, K - 2), ...tampered]),
        helper: counting,
        k: K,
      },
      logger,
    );
    expect(mixed.release).toMatchObject({ suppressed: true, reason: 'below-k' });
    expect(mixed.rejected).toEqual({ undecryptable: 3 });
    expect(asked).toEqual([]);
    const full = await collectPrio3Cell(
      {
        keys: leaderKeys,
        taskId: task.id,
        encoding,
        reports,
        homes: pods.put(task, reports),
        helper: counting,
        k: K,
      },
      logger,
    );
    expect(asked).toEqual(['job', 'share']);
    expect(full.release.suppressed).toBe(false);
    expect(full.release.mean).toBeCloseTo((150 + 5.5) / 10, 9);
  });

  it('the helper refuses a job naming fewer homes than its minimum, and a caller without the leader’s token', async () => {
    const encoding = sumEncodingFor('temperature.mean', period);
    const reports = await Promise.all(
      [200n, 210n].map((m) => createReportFromMeasurement(task, encoding, m)),
    );
    const homes = pods.put(task, reports);
    const { prepared } = await (
      await import('../../../src/private-aggregation/index.ts')
    ).startPreparation(leaderKeys, task.id, encoding, reports);
    await expect(
      helper.createJob({
        taskId: task.id,
        metricId: 'temperature.mean',
        period: '2026-01',
        homes: [...homes.values()],
        leaderShares: Object.fromEntries(
          prepared.map((r) => [r.reportId, Buffer.from(r.preparationShare).toString('base64')]),
        ),
      }),
    ).rejects.toMatchObject({
      problem: 'helper-refused',
      context: { type: expect.stringMatching(/batch-too-small$/) },
    });
    const stranger = httpHelperClient(testHelper.base, 'wrong-token');
    await expect(
      stranger.createJob({
        taskId: task.id,
        metricId: 'temperature.mean',
        period: '2026-01',
        homes: [],
        leaderShares: {},
      }),
    ).rejects.toThrow(/401/);
  });

  it('turns a helper answer that is not the contract (an HTML page from a proxy) into a ValidationError', async () => {
    const html: typeof fetch = async () =>
      new Response('<html>bad gateway</html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const client = httpHelperClient('http://helper.invalid/', TOKEN, html);
    await expect(
      client.createJob({
        taskId: task.id,
        metricId: 'temperature.mean',
        period: '2026-01',
        homes: [],
        leaderShares: {},
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
