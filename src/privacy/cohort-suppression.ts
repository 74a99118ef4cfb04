// Statistical disclosure control for one cell: suppress small or dominated cohorts, round released counts to 5.
import { ValidationError } from '../errors.ts';
import type { ReleasedBand } from './band-release.ts';

/** Cohorts below this many homes are never released, whatever k a request asks for. */
export const MIN_COHORT_FLOOR = 10;

/**
 * Dominance (p % rule with p = 50): a cell of an additive metric is suppressed when one home contributes more than
 * half its total, since its value could then be estimated to within the rest of the cell.
 */
export const DOMINANCE_MAX_SHARE = 0.5;

/** Released counts are multiples of this (ONS "10-5" rule: cohorts of 10 or more, counts rounded to the nearest 5). */
export const COUNT_ROUNDING_BASE = 5;

/**
 * Why a cell is withheld: primary (`below-k`, `dominance`) or secondary (`secondary`: with earlier releases it
 * would give away a smaller group; see secondary-suppression.ts).
 */
export type SuppressionReason = 'below-k' | 'dominance' | 'secondary';

/**
 * What may be released for one cell: figures over the cohort, or a suppression marker and its reason. A banded
 * metric's cell has `bands` (homes per band) and no mean.
 */
export type CellRelease =
  | { suppressed: true; reason: SuppressionReason; homes: null; mean: null; median: null; bands?: undefined }
  | {
      suppressed: false;
      reason?: undefined;
      homes: number;
      mean: number | null;
      median: null;
      bands?: ReleasedBand[];
    };

/** The input of releaseCell: one value per included home of the cohort. */
export interface CellInput {
  values: readonly number[];
  /** The k the request runs with; the effective minimum is max(k, floor). */
  k: number;
  /** Minimum cohort size below any k; defaults to 10. */
  floor?: number;
  /** Whether the metric's values add up (then the dominance check applies). */
  additive: boolean;
}

/** A suppressed cell. */
export function suppressedCell(reason: SuppressionReason): CellRelease {
  return { suppressed: true, reason, homes: null, mean: null, median: null };
}

/** A count rounded to the nearest multiple of 5 (ONS 10-5 rule); halves cannot occur for integers. */
export function roundToNearest5(count: number): number {
  return Math.round(count / COUNT_ROUNDING_BASE) * COUNT_ROUNDING_BASE;
}

/** The smallest cohort a cell may be released for: max(k, floor). */
export function minimumCohort(k: number, floor: number = MIN_COHORT_FLOOR): number {
  if (!Number.isInteger(k) || k < 1 || !Number.isInteger(floor) || floor < 1) {
    throw new ValidationError('k and the cohort floor must be positive integers', { k, floor });
  }
  return Math.max(k, floor);
}

/**
 * The release of one cell: suppressed below max(k, floor) homes or, for additive metrics, when one home exceeds
 * 50 % of the total; else the home count rounded to 5 and the mean of the unrounded values. No median: the
 * median of an odd cohort is one home's exact value (and with a few invented homes, a chosen home's), so it is
 * not released without differential privacy (see releaseCellDp, which releases none either).
 */
export function releaseCell(input: CellInput): CellRelease {
  const { values, additive } = input;
  const minimum = minimumCohort(input.k, input.floor);
  let total = 0;
  let largest = 0;
  for (const value of values) {
    if (!Number.isFinite(value) || (additive && value < 0)) {
      throw new ValidationError('Cell values must be finite, and not negative for an additive metric', {
        additive,
      });
    }
    total += value;
    if (value > largest) largest = value;
  }
  if (values.length < minimum) return suppressedCell('below-k');
  if (additive && largest > DOMINANCE_MAX_SHARE * total) return suppressedCell('dominance');
  return {
    suppressed: false,
    homes: roundToNearest5(values.length),
    mean: total / values.length,
    median: null,
  };
}
