// Differentially private release of one cell (noisy count and mean) and the per-request privacy budget.
import { ConflictError, ValidationError } from '../errors.ts';
import { minimumCohort, roundToNearest5, suppressedCell, type CellRelease } from './cohort-suppression.ts';
import { sampleDiscreteLaplace } from './discrete-laplace.ts';
import type { RandomSource } from '../random-source.ts';
import { divide, toRational, type Rational } from './rational.ts';

/** The input of releaseCellDp: one value per included home (each home contributes once). */
export interface DpCellInput {
  values: readonly number[];
  /** Clamp bounds of the metric and its fixed-point scale (see dpBoundsFor in src/metrics). */
  bounds: { lower: number; upper: number; scale: number };
  /** ε spent on this cell, split evenly between the count and the sum. */
  epsilon: number | Rational;
  k: number;
  floor?: number;
  random: RandomSource;
}

/**
 * A cell released under ε-differential privacy (neighbouring cohorts differ by one home joining or leaving).
 * Values are clamped to [lower, upper], centred on the midpoint and put on the integer grid 1/scale, so one home
 * moves the sum by at most Δ = ⌈scale·(upper − lower)/2⌉ and the count by 1. Half of ε goes to each: discrete
 * Laplace noise with ε/2 on the count and ε/(2Δ) on the sum, mean = midpoint + noisy sum / (scale · noisy count).
 * Then, as post-processing, suppression and rounding: a cell is withheld when the noisy count, or the true count
 * (the project's promise of at least k homes), is below max(k, floor); the released count is rounded to 5. No
 * median is released: it is one home's value and has no bounded sensitivity.
 */
export function releaseCellDp(input: DpCellInput): CellRelease {
  const { values, random } = input;
  const { lower, upper, scale } = input.bounds;
  if (!(lower < upper) || !Number.isSafeInteger(scale) || scale < 1) {
    throw new ValidationError('DP bounds need lower < upper and a positive integer scale', {
      lower,
      upper,
      scale,
    });
  }
  const minimum = minimumCohort(input.k, input.floor);
  const half = divide(toRational(input.epsilon), 2n);
  const midpoint = (lower + upper) / 2;
  const sensitivity = Math.ceil((scale * (upper - lower)) / 2);
  let sum = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) throw new ValidationError('Cell values must be finite numbers');
    const clamped = Math.min(upper, Math.max(lower, value));
    const scaled = Math.round((clamped - midpoint) * scale);
    sum += Math.min(sensitivity, Math.max(-sensitivity, scaled));
  }
  // Both draws happen whatever the outcome, so how long a release takes does not hint at the cohort.
  const noisyCount = values.length + sampleDiscreteLaplace(random, half, 1);
  const noisySum = sum + sampleDiscreteLaplace(random, half, sensitivity);
  if (values.length < minimum || noisyCount < minimum) return suppressedCell('below-k');
  const mean = Math.min(upper, Math.max(lower, midpoint + noisySum / (scale * noisyCount)));
  return {
    suppressed: false,
    homes: roundToNearest5(noisyCount),
    mean: Math.round(mean * scale) / scale,
    median: null,
  };
}

/** The ε granted to and used by one request. */
export interface PrivacyBudget {
  total: number;
  spent: number;
}

// Budgets add decimal epsilons in floating point; this much slack keeps 0.1 + 0.2 within a budget of 0.3.
const BUDGET_SLACK = 1e-9;

/** The budget after spending `epsilon` on one release; throws ConflictError `dp-budget-spent` when it would overrun. */
export function spendBudget(budget: PrivacyBudget, epsilon: number): PrivacyBudget {
  if (!Number.isFinite(epsilon) || epsilon <= 0) {
    throw new ValidationError('Epsilon per release must be a positive number', { epsilon });
  }
  const spent = budget.spent + epsilon;
  if (spent > budget.total + BUDGET_SLACK) {
    throw new ConflictError('dp-budget-spent', 'The privacy budget of this request is spent', {
      total: budget.total,
      spent: budget.spent,
      requested: epsilon,
    });
  }
  return { total: budget.total, spent };
}
