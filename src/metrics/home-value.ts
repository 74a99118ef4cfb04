// One home's value of a metric over a period, from its DailySummaries, with the coverage that decides if it counts.
import { getMetric, inScope, type MetricDefinition, type PeriodSummaries } from './catalogue.ts';
import { periodDays, periodHours, type Period } from './period.ts';
import { MIN_COVERAGE } from './thresholds.ts';
import type { DailySummary } from './types.ts';

/** A home's value for one metric and period. */
export interface HomeValue {
  /** The home value, or null when the home does not count (too little data, or nothing to compute from). */
  value: number | null;
  /** Valid sensor-hours / expected sensor-hours of the metric's rooms over the period, 0–1. */
  coverage: number;
  /** Whether the home counts in a cohort: coverage ≥ 0.75 and a value. */
  included: boolean;
  /**
   * Why a home with too little coverage is left out: `sensor-fault` when its stuck hours (hoursStuck) would have
   * brought it to the coverage rule, else `low-coverage` (gaps). Absent when coverage is enough, and for a home
   * with no sensor in the metric's rooms.
   */
  leftOut?: LeftOutReason;
}

/** Why a home is left out of a metric for its data: gaps, or a sensor that was stuck. */
export type LeftOutReason = 'low-coverage' | 'sensor-fault';

/**
 * The home value of `metricId` over `period` from the home's summaries (any properties, any dates: those outside
 * the period or the metric's rooms are ignored; a repeated property+room+date keeps the last). Coverage counts the
 * rooms that appear in the metric's summaries × the hours of the period's local days in `timeZone`.
 */
export function computeHomeValue(
  metricId: string,
  summaries: readonly DailySummary[],
  period: Period,
  timeZone: string,
): HomeValue {
  const metric = getMetric(metricId);
  const days = periodDays(period);
  const inPeriod = new Set(days);
  const latest = new Map<string, DailySummary>();
  for (const summary of summaries) {
    if (inPeriod.has(summary.date))
      latest.set(`${summary.property}\u0000${summary.room}\u0000${summary.date}`, summary);
  }
  const byPropertyRoom = new Map<string, DailySummary[]>();
  for (const summary of latest.values()) {
    const key = `${summary.property}\u0000${summary.room}`;
    const list = byPropertyRoom.get(key);
    if (list === undefined) byPropertyRoom.set(key, [summary]);
    else list.push(summary);
  }
  const lookup: PeriodSummaries = {
    of: (property, room) => byPropertyRoom.get(`${property}\u0000${room}`) ?? [],
  };

  const rooms = new Map<string, DailySummary[]>();
  for (const list of byPropertyRoom.values()) {
    const { property, room } = list[0]!;
    if (property === metric.property && inScope(metric.rooms, room)) rooms.set(room, list);
  }
  const expectedHoursPerRoom = periodHours(period, timeZone);
  let validHours = 0;
  let stuckHours = 0;
  for (const list of rooms.values()) {
    for (const day of list) {
      validHours += day.validHours;
      stuckHours += day.hoursStuck ?? 0;
    }
  }
  const expectedHours = rooms.size * expectedHoursPerRoom;
  const coverage = rooms.size === 0 ? 0 : Math.min(1, validHours / expectedHours);
  // A home with no sensor in the metric's rooms was never measured for it: not counted, and not "left out".
  if (rooms.size === 0) return { value: null, coverage, included: false };
  if (coverage < MIN_COVERAGE) {
    // Stuck hours count as not measured (a gap); they are the reason only when, measured, they would have sufficed.
    const withStuck = (validHours + stuckHours) / expectedHours;
    const leftOut: LeftOutReason =
      stuckHours > 0 && withStuck >= MIN_COVERAGE ? 'sensor-fault' : 'low-coverage';
    return { value: null, coverage, included: false, leftOut };
  }

  const value = combineRooms(metric, rooms, lookup);
  return { value, coverage, included: value !== null };
}

/** The home value from its room values, by the metric's home rule; rooms that give no value are left out. */
function combineRooms(
  metric: MetricDefinition,
  rooms: ReadonlyMap<string, readonly DailySummary[]>,
  period: PeriodSummaries,
): number | null {
  let result: number | null = null;
  let counted = 0;
  for (const [room, days] of rooms) {
    const value = metric.roomValue(days, room, period);
    if (value === null || !Number.isFinite(value)) continue;
    counted++;
    if (result === null) result = value;
    else if (metric.homeRule === 'worst-room') result = Math.max(result, value);
    else result += value;
  }
  if (result !== null && metric.homeRule === 'room-mean') result /= counted;
  return result;
}
