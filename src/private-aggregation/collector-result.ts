// The collector's side: two aggregate shares and the report count combine into the cohort's sum and mean, or its
// bands; a vector's into each metric's sum, mean and count.
import { ValidationError } from '../errors.ts';
import {
  bandsCell,
  minimumCohort,
  releaseBands,
  roundToNearest5,
  suppressedCell,
  type BandsRelease,
  type CellRelease,
} from '../privacy/index.ts';
import { isHistogramEncoding, type HistogramEncoding } from './histogram-encoding.ts';
import {
  prio3HistogramFor,
  prio3SumFor,
  prio3SumVecFor,
  type Prio3Encoding,
  type Prio3Vdaf,
} from './prio3-sum.ts';
import { decodeAggregateShare } from './share-codec.ts';
import type { SumEncoding } from './sum-encoding.ts';
import type { SumVectorEncoding } from './sum-vector-encoding.ts';

function assertCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new ValidationError('A collection needs at least one report', { count });
  }
}

/** A cohort's result: the number of reports aggregated, their sum and mean, in the metric's unit. */
export interface CollectedSum {
  count: number;
  sum: number;
  mean: number;
}

/** A field element read as a signed integer: noise can push a small sum below zero, i.e. just under the modulus. */
function signed(vdaf: Prio3Vdaf, element: bigint): bigint {
  const { modulus } = vdaf.flp.field;
  return element > modulus / 2n ? element - modulus : element;
}

/**
 * Combines the leader's and the helper's aggregate shares over `count` reports: the encoded sum, undone to the
 * metric's unit (÷ scale, + lower per report). Only here, with both shares, does any sum exist in the clear.
 */
export function collectSum(
  encoding: SumEncoding,
  aggregateShares: readonly [Uint8Array, Uint8Array],
  count: number,
): CollectedSum {
  assertCount(count);
  const vdaf = prio3SumFor(encoding);
  const [leader, helper] = aggregateShares.map((bytes) => decodeAggregateShare(vdaf, bytes));
  const total = signed(vdaf, vdaf.flp.field.add(leader![0]!, helper![0]!));
  const sum = Number(total) / encoding.scale + encoding.lower * count;
  return { count, sum, mean: sum / count };
}

/**
 * The released cell of a Prio3 collection, with the plain mode's disclosure rules where they can apply: nothing
 * below max(k, floor) reports (the aggregators do not even aggregate such a batch: `shares` null), the count
 * rounded to 5 (ONS 10-5 rule), the mean clamped to the metric's bounds (noise may push it out). No median: a
 * sum-based VDAF cannot compute one. The dominance rule of additive metrics needs the largest value, which no one
 * sees here, so additive metrics are refused by the caller (see Prio3 limits in docs/private-aggregation.md).
 */
export function releaseCollectedCell(
  encoding: SumEncoding,
  shares: readonly [Uint8Array, Uint8Array] | null,
  count: number,
  k: number,
  floor?: number,
): CellRelease {
  if (shares === null || count < minimumCohort(k, floor)) return suppressedCell('below-k');
  return releaseSum(encoding, collectSum(encoding, shares, count));
}

/** A collected sum as a released cell: homes rounded to 5, the mean clamped to the bounds, no median. */
function releaseSum(encoding: SumEncoding, collected: CollectedSum): CellRelease {
  return {
    suppressed: false,
    homes: roundToNearest5(collected.count),
    mean: Math.min(encoding.upper, Math.max(encoding.lower, collected.mean)),
    median: null,
  };
}

/**
 * Combines both aggregate shares of a vector: per metric (by id), its count (the summed inclusion bits, not the
 * number of reports: a home left out of one metric still reports the others) and its sum, rebuilt from its value
 * bits' sums (Σ 2^j · sum of bit j), undone to the metric's unit. Mean NaN where no home counts.
 */
export function collectSumVector(
  encoding: SumVectorEncoding,
  aggregateShares: readonly [Uint8Array, Uint8Array],
): Map<string, CollectedSum> {
  const vdaf = prio3SumVecFor(encoding);
  const [leader, helper] = aggregateShares.map((bytes) => decodeAggregateShare(vdaf, bytes));
  const entry = (index: number) => signed(vdaf, vdaf.flp.field.add(leader![index]!, helper![index]!));
  const collected = new Map<string, CollectedSum>();
  for (const { encoding: metric, countIndex } of encoding.slots) {
    const count = Number(entry(countIndex));
    let total = 0n;
    for (let bit = 0; bit < metric.bits; bit++) total += entry(countIndex + 1 + bit) << BigInt(bit);
    const sum = Number(total) / metric.scale + metric.lower * count;
    collected.set(metric.metricId, { count, sum, mean: count > 0 ? sum / count : Number.NaN });
  }
  return collected;
}

/** The released cells of a vector collection, and the metrics whose stated cohort is not the one summed. */
export interface VectorRelease {
  cells: Map<string, CellRelease>;
  /**
   * The metrics whose summed inclusion bits differ from `stated`, the number of aggregated reports whose public
   * hd:countsFor names the metric: some report lies about its cohort (a c bit of 1 for a metric it does not list,
   * or 0 for one it does), so the cohort a release would name is not the one summed. Empty without shares or
   * `stated`; a metric listed here is withheld (`secondary`) when it is not already below k.
   */
  mismatched: string[];
}

/**
 * Releases each metric cell of a vector collection on its own count (summed inclusion bits), so a metric below
 * max(k, floor) homes is suppressed while another of the same reports is released, as plain cells are. Below
 * max(k, floor) reports no metric can reach it: the aggregators do not aggregate (`shares` null) and every cell is
 * suppressed. With `stated`, a metric whose count differs is withheld (`secondary`: not released, as a batch
 * overlapping an earlier one is not).
 */
export function releaseCollectedVector(
  encoding: SumVectorEncoding,
  shares: readonly [Uint8Array, Uint8Array] | null,
  k: number,
  floor?: number,
  stated?: ReadonlyMap<string, number>,
): VectorRelease {
  const collected = shares === null ? null : collectSumVector(encoding, shares);
  const cells = new Map<string, CellRelease>();
  const mismatched: string[] = [];
  for (const { encoding: metric } of encoding.slots) {
    const cell = collected?.get(metric.metricId);
    const mismatch =
      cell !== undefined && stated !== undefined && cell.count !== (stated.get(metric.metricId) ?? 0);
    if (mismatch) mismatched.push(metric.metricId);
    let release: CellRelease;
    if (cell === undefined || cell.count < minimumCohort(k, floor)) release = suppressedCell('below-k');
    else if (mismatch) release = suppressedCell('secondary');
    else release = releaseSum(metric, cell);
    cells.set(metric.metricId, release);
  }
  return { cells, mismatched };
}

/** A banded cohort's result: the number of reports aggregated and how many fell in each band (noisy with DP). */
export interface CollectedBands {
  count: number;
  bands: number[];
}

/** Combines both aggregate shares of a histogram: the per-band counts. Only here does any count per band exist. */
export function collectHistogram(
  encoding: HistogramEncoding,
  aggregateShares: readonly [Uint8Array, Uint8Array],
  count: number,
): CollectedBands {
  assertCount(count);
  const vdaf = prio3HistogramFor(encoding);
  const [leader, helper] = aggregateShares.map((bytes) => decodeAggregateShare(vdaf, bytes));
  const bands = leader!.map((element, index) =>
    Number(signed(vdaf, vdaf.flp.field.add(element, helper![index]!))),
  );
  return { count, bands };
}

/**
 * The released bands of a histogram collection: the one banded release of both modes (releaseBands), over the
 * collected counts. Below max(k, floor) reports the aggregators do not even aggregate (`shares` null).
 */
export function releaseCollectedBands(
  encoding: HistogramEncoding,
  shares: readonly [Uint8Array, Uint8Array] | null,
  count: number,
  k: number,
  floor?: number,
): BandsRelease {
  if (shares === null || count < minimumCohort(k, floor))
    return { suppressed: true, reason: 'below-k', homes: null, bands: null };
  const { bands } = collectHistogram(encoding, shares, count);
  return releaseBands({
    labels: encoding.labels,
    counts: bands,
    homes: count,
    k,
    ...(floor === undefined ? {} : { floor }),
  });
}

/**
 * The released cell of a collection of either kind: a sum's mean (releaseCollectedCell) or a histogram's bands
 * (releaseCollectedBands), as a run's cell carries them.
 */
export function releaseCollection(
  encoding: Prio3Encoding,
  shares: readonly [Uint8Array, Uint8Array] | null,
  count: number,
  k: number,
  floor?: number,
): CellRelease {
  return isHistogramEncoding(encoding)
    ? bandsCell(releaseCollectedBands(encoding, shares, count, k, floor))
    : releaseCollectedCell(encoding, shares, count, k, floor);
}
