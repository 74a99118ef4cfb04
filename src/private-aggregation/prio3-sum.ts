// The VDAF both aggregators and every home agree on for a metric: Prio3Sum over two shares at the encoding's width.
import { Prio3Sum } from '@divviup/prio3';
import type { SumEncoding } from './sum-encoding.ts';

/** Aggregator 0 is the leader (the broker), 1 the helper, as in DAP. */
export const LEADER = 0;
export const HELPER = 1;
export type AggregatorId = typeof LEADER | typeof HELPER;

/** The Prio3Sum instance for an encoding: two aggregators, `bits` wide. */
export function prio3SumFor(encoding: Pick<SumEncoding, 'bits'>): Prio3Sum {
  return new Prio3Sum({ shares: 2, bits: encoding.bits });
}
