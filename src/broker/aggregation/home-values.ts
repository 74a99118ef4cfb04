// One home's values of every metric and period of a run, from its summaries; held in memory only while the run runs.
import { computeHomeValue, type DailySummary } from '../../metrics/index.ts';
import type { RunPlan } from './run-plan.ts';

/** One home's value of one metric in one period. */
export interface HomeValueEntry {
  metric: string;
  period: string;
  value: number;
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
  const entries: HomeValueEntry[] = [];
  for (const period of plan.periods) {
    for (const metric of plan.metrics) {
      const result = computeHomeValue(metric.id, summaries, period, timeZone);
      if (result.included && result.value !== null) {
        entries.push({ metric: metric.id, period: period.label, value: result.value });
      }
    }
  }
  return entries;
}
