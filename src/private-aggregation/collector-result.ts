// The collector's side: two aggregate shares and the report count combine into the cohort's sum and mean.
import type { Prio3Sum } from '@divviup/prio3';
import { ValidationError } from '../errors.ts';
import { minimumCohort, roundToNearest5, suppressedCell, type CellRelease } from '../privacy/index.ts';
import { prio3SumFor } from './prio3-sum.ts';
import { decodeAggregateShare } from './share-codec.ts';
import type { SumEncoding } from './sum-encoding.ts';

/** A cohort's result: the number of reports aggregated, their sum and mean, in the metric's unit. */
export interface CollectedSum {
  count: number;
  sum: number;
  mean: number;
}

/** A field element read as a signed integer: noise can push a small sum below zero, i.e. just under the modulus. */
function signed(vdaf: Prio3Sum, element: bigint): bigint {
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
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new ValidationError('A collection needs at least one report', { count });
  }
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
  const { mean } = collectSum(encoding, shares, count);
  return {
    suppressed: false,
    homes: roundToNearest5(count),
    mean: Math.min(encoding.upper, Math.max(encoding.lower, mean)),
    median: null,
  };
}
