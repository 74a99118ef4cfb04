// One home's values of every metric and period of a run, from its summaries; held in memory only while the run runs.
import { computeHomeValue, type DailySummary, type LeftOutReason } from '../../metrics/index.ts';
import type { RunPlan } from './run-plan.ts';

/** One home's value of one metric in one period. */
export interface HomeValueEntry {
  metric: string;
  period: string;
  value: number;
}

/** One home-period left out of a metric for its data, and why. */
export interface LeftOutEntry {
  metric: string;
  period: string;
  reason: LeftOutReason;
}

/** A home's values that count and the metric-periods it was left out of. */
export interface HomeResults {
  values: HomeValueEntry[];
  leftOut: LeftOutEntry[];
}

/**
 * The values of a home that count, one per metric and period (metrics.computeHomeValue): a home-period below
 * 75 % coverage gives none and is left out of that cell only.
 */
export function computeHomeValues(
  plan: RunPlan,
  summaries: readonly DailySummary[],
  timeZone: string,
): HomeValueEntry[] {
  return computeHomeResults(plan, summaries, timeZone).values;
}

/** computeHomeValues, and the metric-periods the home was left out of for low coverage or a stuck sensor. */
export function computeHomeResults(
  plan: RunPlan,
  summaries: readonly DailySummary[],
  timeZone: string,
): HomeResults {
  const results: HomeResults = { values: [], leftOut: [] };
  for (const period of plan.periods) {
    for (const metric of plan.metrics) {
      const result = computeHomeValue(metric.id, summaries, period, timeZone);
      if (result.included && result.value !== null) {
        results.values.push({ metric: metric.id, period: period.label, value: result.value });
      } else if (result.leftOut !== undefined) {
        results.leftOut.push({ metric: metric.id, period: period.label, reason: result.leftOut });
      }
    }
  }
  return results;
}
