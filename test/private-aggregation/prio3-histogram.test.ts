// Unit tests of Prio3Histogram for banded metrics: a home's band, proved one-hot, summed by two aggregators into
// band counts that match counting the plain values' bands on the fixture homes; bands below k withheld.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { generateFixtureSet, simulateReadings } from '../../src/fixtures/index.ts';
import { bandOf, computeHomeValue, parsePeriod, summariseReadings } from '../../src/metrics/index.ts';
import { sampleDiscreteLaplace, seededRandomSource } from '../../src/privacy/index.ts';
import {
  collectHistogram,
  createHistogramReport,
  createReportFromMeasurement,
  histogramEncodingFor,
  prio3HistogramFor,
  releaseCollectedBands,
  type HistogramEncoding,
  type Prio3Report,
  type Prio3Task,
  type ShareNoise,
} from '../../src/private-aggregation/index.ts';
import {
  aggregateBoth,
  createPrio3Aggregators,
  type Prio3Aggregators,
} from '../helpers/prio3-aggregators.ts';

const METRIC = 'co2.night.band';
const january = parsePeriod('2026-01');
const encoding = histogramEncodingFor(METRIC, january);
let aggregators: Prio3Aggregators;
let task: Prio3Task;

beforeAll(async () => {
  aggregators = await createPrio3Aggregators('task-bands', new Uint8Array(16).fill(5));
  task = aggregators.task;
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Both aggregators' steps in DAP order, as for sums: the same functions, dispatched on the encoding. */
function collect(
  reports: readonly Prio3Report<HistogramEncoding>[],
  noise?: { leader: ShareNoise; helper: ShareNoise },
) {
  return aggregateBoth({ ...aggregators, taskId: task.id }, encoding, reports, noise);
}

describe('CO2 bands as a Prio3 histogram', () => {
  it('puts a value in the band docs/metrics.md gives it ("above" strictly greater), and knows which metrics have bands', () => {
    expect([0, 799.9, 800, 1000, 1000.1, 1500, 1500.1, 4000].map((value) => bandOf(encoding, value))).toEqual(
      [0, 0, 1, 1, 2, 2, 3, 3],
    );
    expect(encoding.labels).toHaveLength(4);
    expect(() => histogramEncodingFor('temperature.mean', january)).toThrow(ValidationError);
    expect(() => bandOf(encoding, Number.NaN)).toThrow(ValidationError);
  });

  it('gives the band counts of the plain values on the fixture homes (no DP)', async () => {
    const fixtures = generateFixtureSet();
    const from = new Date(fixtures.period.from);
    const to = new Date(fixtures.period.to);
    const values = fixtures.homes.flatMap((home) => {
      // Only the CO2 sensors are simulated: the other properties do not change a CO2 value.
      const co2 = { ...home, devices: home.devices.filter((device) => device.property === 'co2') };
      const readings = simulateReadings(co2, from, to, 60);
      const summaries = summariseReadings(readings, home.timeZone, { now: to });
      const value = computeHomeValue(METRIC, summaries, january, home.timeZone);
      return value.included && value.value !== null ? [value.value] : [];
    });
    expect(values.length).toBeGreaterThanOrEqual(10);
    const plain = [0, 0, 0, 0];
    for (const value of values) plain[bandOf(encoding, value)]!++;
    // The fixture population spreads over more than one band, so equal counts say something.
    expect(plain.filter((count) => count > 0).length).toBeGreaterThan(1);

    const reports = await Promise.all(values.map((value) => createHistogramReport(task, encoding, value)));
    const { count, shares, rejected } = await collect(reports);
    expect(rejected).toEqual({});
    expect(collectHistogram(encoding, shares, count)).toEqual({ count: values.length, bands: plain });
  }, 30_000);

  it('refuses a report that is not one-hot (a lying gateway claiming two bands) by the proof', async () => {
    const honest = await Promise.all(
      [700, 1000, 1300].map((value) => createHistogramReport(task, encoding, value)),
    );
    // The gateway's own encoder is bypassed: its measurement is two ones, sealed properly to both aggregators.
    const flpPrototype = Object.getPrototypeOf(prio3HistogramFor(encoding).flp) as { encode: () => bigint[] };
    const encode = vi.spyOn(flpPrototype, 'encode').mockReturnValue([1n, 1n, 0n, 0n]);
    const forged = await createReportFromMeasurement(task, encoding, 0n);
    encode.mockRestore();
    const { count, rejected, shares } = await collect([...honest, forged]);
    expect(rejected).toEqual({ 'invalid-proof': 1 });
    expect(collectHistogram(encoding, shares, count)).toEqual({ count: 3, bands: [1, 1, 1, 0] });
    await expect(createReportFromMeasurement(task, encoding, 4n)).rejects.toThrow(ValidationError);
  });

  it('noises each band at both aggregators with DP', async () => {
    const reports = await Promise.all(
      Array.from({ length: 20 }, (_, index) => createHistogramReport(task, encoding, 600 + index * 60)),
    );
    const plain = [0, 0, 0, 0];
    for (let index = 0; index < 20; index++) plain[bandOf(encoding, 600 + index * 60)]!++;
    const noise = (seed: number): ShareNoise => ({ epsilon: 0.5, random: seededRandomSource(seed) });
    const { count, shares } = await collect(reports, { leader: noise(1), helper: noise(2) });
    const { bands } = collectHistogram(encoding, shares, count);
    expect(bands).not.toEqual(plain);
    bands.forEach((noisy, index) => expect(Math.abs(noisy - plain[index]!)).toBeLessThan(60));
  });
  it('noises each band with sensitivity 2: a home replaced by another moves two band counts by one each', async () => {
    const values = Array.from({ length: 12 }, (_, index) => 600 + index * 100);
    const reports = await Promise.all(values.map((value) => createHistogramReport(task, encoding, value)));
    const plain = [0, 0, 0, 0];
    for (const value of values) plain[bandOf(encoding, value)]!++;
    const epsilon = 0.5;
    const { count, shares } = await collect(reports, {
      leader: { epsilon, random: seededRandomSource(11) },
      helper: { epsilon, random: seededRandomSource(12) },
    });
    const leaderDraws = seededRandomSource(11);
    const helperDraws = seededRandomSource(12);
    const expected = plain.map((homes) => {
      const leader = sampleDiscreteLaplace(leaderDraws, epsilon, 2);
      return homes + leader + sampleDiscreteLaplace(helperDraws, epsilon, 2);
    });
    expect(collectHistogram(encoding, shares, count).bands).toEqual(expected);
  });
});

describe('releasing bands', () => {
  /** Aggregate shares of reports in the given bands, collected without noise. */
  async function sharesOf(bandCounts: readonly number[]) {
    const values = bandCounts.flatMap((homes, band) =>
      Array<number>(homes).fill([700, 900, 1200, 1800][band]!),
    );
    return collect(await Promise.all(values.map((value) => createHistogramReport(task, encoding, value))));
  }

  it('withholds bands below k, and the next smallest until the withheld hold k homes, and rounds the rest to 5', async () => {
    const one = await sharesOf([12, 11, 5, 12]);
    expect(releaseCollectedBands(encoding, one.shares, one.count, 10)).toEqual({
      suppressed: false,
      homes: 40,
      bands: [
        { label: 'below 800 ppm', homes: 10 },
        { label: '800–1000 ppm', homes: null },
        { label: '1000–1500 ppm', homes: null },
        { label: 'above 1500 ppm', homes: 10 },
      ],
    });
    const two = await sharesOf([14, 0, 3, 13]);
    expect(
      releaseCollectedBands(encoding, two.shares, two.count, 10).bands?.map((band) => band.homes),
    ).toEqual([15, null, null, null]);
  });

  it('releases nothing below max(k, 10) reports', async () => {
    const few = await sharesOf([4, 4, 0, 0]);
    expect(releaseCollectedBands(encoding, few.shares, few.count, 5)).toEqual({
      suppressed: true,
      reason: 'below-k',
      homes: null,
      bands: null,
    });
    expect(releaseCollectedBands(encoding, null, 30, 10)).toMatchObject({ suppressed: true });
  });
});
