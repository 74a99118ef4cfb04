// The collector's side: two aggregate shares and the report count combine into the cohort's sum and mean.
import type { Prio3Sum } from '@divviup/prio3';
import { ValidationError } from '../errors.ts';
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
