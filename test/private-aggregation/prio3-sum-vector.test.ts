// Unit tests of Prio3SumVec vector reports: several sum metrics of one period in one report, per metric an inclusion
// bit and its value's bits, proved 0 or 1, summed by two aggregators into each metric's own count, sum and release.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { parsePeriod } from '../../src/metrics/index.ts';
import { sampleDiscreteLaplace, seededRandomSource } from '../../src/privacy/index.ts';
import {
  collectSum,
  collectSumVector,
  createReport,
  createReportFromMeasurement,
  createVectorReport,
  encodeHomeVector,
  largestMeasurement,
  prio3SumVecFor,
  releaseCollectedCell,
  releaseCollectedVector,
  startPreparation,
  sumEncodingFor,
  sumVectorEncodingFor,
  type Prio3Report,
  type Prio3ReportEncoding,
  type Prio3Task,
  type ShareNoise,
  type SumVectorEncoding,
} from '../../src/private-aggregation/index.ts';
import {
  aggregateBoth,
  createPrio3Aggregators,
  type Prio3Aggregators,
} from '../helpers/prio3-aggregators.ts';

const january = parsePeriod('2026-01');
const COLD = 'cold.below18.hours';
const MEAN = 'temperature.mean';
// Given out of catalogue order on purpose: the encoding puts them in the catalogue's.
const encoding = sumVectorEncodingFor([COLD, MEAN], january);
let aggregators: Prio3Aggregators;
let task: Prio3Task;

beforeAll(async () => {
  aggregators = await createPrio3Aggregators('task-vector', new Uint8Array(16).fill(9));
  task = aggregators.task;
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Both aggregators over `reports`, the same functions as for one metric, dispatched on the encoding. */
function collect<E extends Prio3ReportEncoding>(
  over: E,
  reports: readonly Prio3Report<E>[],
  noise?: { leader: ShareNoise; helper: ShareNoise },
) {
  return aggregateBoth({ ...aggregators, taskId: task.id }, over, reports, noise);
}

/** One home's values: a number counts for the metric, null leaves the home out of it (as computeHomeValue does). */
function homeValues(cold: number | null, mean: number | null) {
  return new Map([
    [COLD, { included: cold !== null, value: cold }],
    [MEAN, { included: mean !== null, value: mean }],
  ]);
}

/** The homes of most tests: 12 count for both metrics, 3 only for the cold hours (no temperature coverage). */
const HOMES: [number | null, number | null][] = [
  ...Array.from({ length: 12 }, (_, index): [number, number] => [10 + index * 7.5, 16 + index * 0.5]),
  [200, null],
  [0, null],
  [55.5, null],
];

describe('vector encoding', () => {
  it('lays out each metric as an inclusion bit and its own Prio3Sum width, in catalogue order', () => {
    const cold = sumEncodingFor(COLD, january);
    const mean = sumEncodingFor(MEAN, january);
    expect(encoding.metricIds).toEqual([MEAN, COLD]);
    expect(encoding.slots.map((slot) => [slot.encoding, slot.countIndex])).toEqual([
      [mean, 0],
      [cold, 1 + mean.bits],
    ]);
    expect(encoding.length).toBe(2 + mean.bits + cold.bits);
    expect(encoding.bits).toBe(1);
    expect(encoding.chunkLength).toBe(Math.round(Math.sqrt(encoding.length)));
  });

  it('puts c = 1 and the value’s bits for a counted metric, zeros for one the home is left out of', () => {
    const mean = encoding.slots[0]!;
    const cold = encoding.slots[1]!;
    const measurement = encodeHomeVector(encoding, homeValues(114.7, null));
    expect(measurement).toHaveLength(encoding.length);
    expect(measurement.slice(0, 1 + mean.encoding.bits).every((entry) => entry === 0)).toBe(true);
    expect(measurement[cold.countIndex]).toBe(1);
    const bits = measurement.slice(cold.countIndex + 1);
    const value = bits.reduce((sum, bit, index) => sum + bit * 2 ** index, 0);
    expect(value).toBe(Math.round((114.7 - cold.encoding.lower) * cold.encoding.scale));
  });

  it('refuses one metric, a repeated metric and a banded metric', () => {
    expect(() => sumVectorEncodingFor([COLD], january)).toThrow(ValidationError);
    expect(() => sumVectorEncodingFor([COLD, COLD, MEAN], january)).toThrow(ValidationError);
    expect(() => sumVectorEncodingFor([COLD, 'co2.night.band'], january)).toThrow(/histogram/);
  });
});

describe('a vector collection', () => {
  it('gives each metric its own count from the inclusion bits and its own sum, not the report count', async () => {
    const reports = await Promise.all(
      HOMES.map(([cold, mean]) => createVectorReport(task, encoding, homeValues(cold, mean))),
    );
    const { count, rejected, shares } = await collect(encoding, reports);
    expect(rejected).toEqual({});
    expect(count).toBe(15);
    const collected = collectSumVector(encoding, shares);
    const colds = HOMES.map(([cold]) => cold!);
    const means = HOMES.flatMap(([, mean]) => (mean === null ? [] : [mean]));
    expect(collected.get(COLD)!.count).toBe(15);
    expect(collected.get(COLD)!.sum).toBeCloseTo(
      colds.reduce((a, b) => a + b),
      9,
    );
    expect(collected.get(MEAN)!.count).toBe(12);
    expect(collected.get(MEAN)!.mean).toBeCloseTo(means.reduce((a, b) => a + b) / 12, 9);
  });

  it('releases what one Prio3Sum report per metric releases for the same homes', async () => {
    const vector = await collect(
      encoding,
      await Promise.all(
        HOMES.map(([cold, mean]) => createVectorReport(task, encoding, homeValues(cold, mean))),
      ),
    );
    const released = releaseCollectedVector(encoding, vector.shares, 10).cells;
    for (const [metricId, index] of [
      [COLD, 0],
      [MEAN, 1],
    ] as const) {
      const single = sumEncodingFor(metricId, january);
      const values = HOMES.flatMap((home) => (home[index] === null ? [] : [home[index]]));
      const sums = await collect(
        single,
        await Promise.all(values.map((value) => createReport(task, single, value))),
      );
      const cell = releaseCollectedCell(single, sums.shares, sums.count, 10);
      expect(cell.suppressed).toBe(false);
      expect(released.get(metricId)).toEqual(cell);
      expect(collectSum(single, sums.shares, sums.count).count).toBe(values.length);
    }
  });

  it('suppresses a metric whose own count is below k while releasing another of the same reports', async () => {
    // 12 homes count for the cold hours, only 7 for the mean temperature.
    const homes = HOMES.slice(0, 12).map(([cold, mean], index) => [cold, index < 7 ? mean : null] as const);
    const reports = await Promise.all(
      homes.map(([cold, mean]) => createVectorReport(task, encoding, homeValues(cold, mean))),
    );
    const { shares } = await collect(encoding, reports);
    const released = releaseCollectedVector(encoding, shares, 10).cells;
    expect(released.get(COLD)).toMatchObject({ suppressed: false, homes: 10 });
    expect(released.get(MEAN)).toMatchObject({ suppressed: true, reason: 'below-k' });
    expect([...releaseCollectedVector(encoding, null, 10).cells.values()]).toEqual([
      expect.objectContaining({ suppressed: true }),
      expect.objectContaining({ suppressed: true }),
    ]);
    expect(releaseCollectedVector(encoding, shares, 10).mismatched).toEqual([]);
    // One report too few names the cold hours (11 stated, 12 summed): that cell is withheld, the other is not.
    const lied = releaseCollectedVector(
      encoding,
      shares,
      10,
      undefined,
      new Map([
        [COLD, 11],
        [MEAN, 7],
      ]),
    );
    expect(lied.mismatched).toEqual([COLD]);
    expect(lied.cells.get(COLD)).toMatchObject({ suppressed: true, reason: 'secondary' });
    expect(lied.cells.get(MEAN)).toMatchObject({ suppressed: true, reason: 'below-k' });
  });

  it('refuses at the home an entry other than 0 or 1', async () => {
    await expect(
      createReportFromMeasurement(task, encoding, [2, ...Array<number>(encoding.length - 1).fill(0)]),
    ).rejects.toThrow(ValidationError);
  });

  it.each([
    ['an inclusion bit of 2 (one home counted twice)', (vector: bigint[]) => (vector[0] = 2n)],
    ['a value bit of 1000 (a value far out of range)', (vector: bigint[]) => (vector[1] = 1000n)],
  ])('refuses and counts a lying gateway’s vector with %s, and sums the others', async (_, lie) => {
    const honest = await Promise.all(
      HOMES.slice(0, 3).map(([cold, mean]) => createVectorReport(task, encoding, homeValues(cold, mean))),
    );
    const forgedVector = encodeHomeVector(encoding, homeValues(20, 18)).map(BigInt);
    lie(forgedVector);
    // The gateway's own encoder is bypassed: the entries go into the proof as they are, sealed to both aggregators.
    const flpPrototype = Object.getPrototypeOf(prio3SumVecFor(encoding).flp) as { encode: () => bigint[] };
    vi.spyOn(flpPrototype, 'encode').mockReturnValue(forgedVector);
    const forged = await createReportFromMeasurement(
      task,
      encoding,
      new Array<number>(encoding.length).fill(0),
    );
    vi.restoreAllMocks();
    const { count, rejected, shares } = await collect(encoding, [...honest, forged]);
    expect(rejected).toEqual({ 'invalid-proof': 1 });
    expect(count).toBe(3);
    const collected = collectSumVector(encoding, shares);
    expect(collected.get(COLD)).toMatchObject({ count: 3 });
    expect(collected.get(COLD)!.sum).toBeCloseTo(10 + 17.5 + 25, 9);
  });

  it('refuses a vector report relabelled to another set of metrics', async () => {
    const report = await createVectorReport(task, encoding, homeValues(30, 19));
    const other = sumVectorEncodingFor([COLD, 'damp.rh70.hours'], january);
    const relabelled = { ...report, encoding: other } as Prio3Report<SumVectorEncoding>;
    expect((await collect(encoding, [relabelled])).rejected).toEqual({ 'wrong-task': 1 });
    expect((await startPreparation(aggregators.leaderKeys, task.id, other, [relabelled])).rejected).toEqual({
      undecryptable: 1,
    });
  });

  it('noises each metric’s sum with its own sensitivity at both aggregators and leaves the counts exact', async () => {
    const reports = await Promise.all(
      HOMES.map(([cold, mean]) => createVectorReport(task, encoding, homeValues(cold, mean))),
    );
    const plain = collectSumVector(encoding, (await collect(encoding, reports)).shares);
    const epsilon = 0.5;
    const { shares } = await collect(encoding, reports, {
      leader: { epsilon, random: seededRandomSource(21) },
      helper: { epsilon, random: seededRandomSource(22) },
    });
    const noisy = collectSumVector(encoding, shares);
    const leaderDraws = seededRandomSource(21);
    const helperDraws = seededRandomSource(22);
    for (const { encoding: metric } of encoding.slots) {
      const sensitivity = Number(largestMeasurement(metric));
      const draw =
        sampleDiscreteLaplace(leaderDraws, epsilon, sensitivity) +
        sampleDiscreteLaplace(helperDraws, epsilon, sensitivity);
      const exact = plain.get(metric.metricId)!;
      expect(noisy.get(metric.metricId)!.count).toBe(exact.count);
      expect(noisy.get(metric.metricId)!.sum).toBeCloseTo(exact.sum + draw / metric.scale, 6);
    }
    expect(noisy.get(COLD)!.sum).not.toBeCloseTo(plain.get(COLD)!.sum, 6);
  });
});
