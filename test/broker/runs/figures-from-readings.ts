// An independent computation of cohort figures straight from raw hourly readings: no summaries, no catalogue code.
import { hourlyValues, type Reading } from '../../../src/metrics/index.ts';

/** The metrics this computation knows, each defined here again from its published definition (docs/metrics.md). */
export type CheckedMetric =
  'temperature.mean' | 'temperature.daytime.mean' | 'cold.below18.hours' | 'damp.rh70.hours';

const PROPERTY_OF: Record<CheckedMetric, 'temperature' | 'humidity'> = {
  'temperature.mean': 'temperature',
  'temperature.daytime.mean': 'temperature',
  'cold.below18.hours': 'temperature',
  'damp.rh70.hours': 'humidity',
};

/** Hours in January 2026 in Europe/London (no clock change that month). */
const JANUARY_HOURS = 31 * 24;

/** The mean of a non-empty list. */
export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A home's January value of a metric from its readings: hourly means per indoor room, the room values by the
 * metric's definition (mean of hours, hours below 18 °C, hours at or above 70 % RH), the home's value over its
 * rooms (mean for means, the worst room for hour counts); null when under 75 % of the rooms' hours have data.
 */
export function homeValueFromReadings(metric: CheckedMetric, readings: readonly Reading[]): number | null {
  const property = PROPERTY_OF[metric];
  const byRoom = new Map<string, Reading[]>();
  for (const reading of readings) {
    if (reading.property !== property || reading.room === 'outdoor') continue;
    byRoom.set(reading.room, [...(byRoom.get(reading.room) ?? []), reading]);
  }
  const roomValues: number[] = [];
  let validHours = 0;
  for (const roomReadings of byRoom.values()) {
    const hours = hourlyValues(roomReadings, 'Europe/London').filter((hour) =>
      hour.date.startsWith('2026-01'),
    );
    validHours += hours.length;
    const values = hours.map((hour) => hour.value);
    if (metric === 'temperature.mean') roomValues.push(mean(values));
    if (metric === 'temperature.daytime.mean') {
      const daytime = hours
        .filter((hour) => hour.localHour >= 7 && hour.localHour < 23)
        .map((hour) => hour.value);
      if (daytime.length > 0) roomValues.push(mean(daytime));
    }
    if (metric === 'cold.below18.hours') roomValues.push(values.filter((value) => value < 18).length);
    if (metric === 'damp.rh70.hours') roomValues.push(values.filter((value) => value >= 70).length);
  }
  if (byRoom.size === 0 || validHours / (byRoom.size * JANUARY_HOURS) < 0.75) return null;
  return metric.endsWith('.hours') ? Math.max(...roomValues) : mean(roomValues);
}
