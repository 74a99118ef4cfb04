// Unit tests: a sensor reporting one value longer than its property's limit is stuck; a resting or varying one is not.
import { describe, expect, it } from 'vitest';
import { markStuckReadings } from '../../src/metrics/stuck-sensors.ts';
import type { Property, Reading } from '../../src/metrics/types.ts';

const START = Date.UTC(2026, 0, 12);
const MINUTE = 60_000;

/** Readings of one sensor every `stepMinutes` from START, values from `valueAt(i)`. */
function series(
  property: Property,
  count: number,
  valueAt: (i: number) => number,
  { sensor = 's1', stepMinutes = 10, from = START } = {},
): Reading[] {
  return Array.from({ length: count }, (_, i) => ({
    sensor,
    room: 'bedroom-1',
    property,
    time: new Date(from + i * stepMinutes * MINUTE),
    value: valueAt(i),
  }));
}

/** How many readings came back flagged stuck. */
function stuckCount(readings: readonly Reading[]): number {
  return readings.filter((reading) => reading.flags?.includes('stuck')).length;
}

describe('stuck sensors', () => {
  it('flags a PM2.5 sensor that reported 0 for 24 hours, not one that did for less', () => {
    // 145 readings 10 min apart span exactly 24 h; 144 span 23 h 50 min.
    expect(stuckCount(markStuckReadings(series('pm25', 145, () => 0)).readings)).toBe(145);
    expect(stuckCount(markStuckReadings(series('pm25', 144, () => 0)).readings)).toBe(0);
  });

  it('counts values within one resolution step as one value, and a larger step as variation', () => {
    expect(stuckCount(markStuckReadings(series('pm25', 145, (i) => i % 2)).readings)).toBe(145);
    expect(stuckCount(markStuckReadings(series('pm25', 145, (i) => (i % 2) * 2)).readings)).toBe(0);
    expect(stuckCount(markStuckReadings(series('temperature', 289, (i) => 20 + (i % 2) / 10)).readings)).toBe(
      289,
    );
  });

  it('does not flag CO2 resting at its 400 ppm floor for 30-minute stretches', () => {
    // Every hour: 30 min at 400 ppm, then a rise to 700 ppm; for a week.
    const co2 = series('co2', 12 * 24 * 7, (i) => (i % 12 < 6 ? 400 : 400 + ((i % 12) - 5) * 50), {
      stepMinutes: 5,
    });
    expect(stuckCount(markStuckReadings(co2).readings)).toBe(0);
  });

  it('carries an open stretch into the next batch, so a dead sensor is found across days', () => {
    const day1 = series('pm25', 144, () => 0);
    const first = markStuckReadings(day1);
    expect(stuckCount(first.readings)).toBe(0);
    expect(first.runs).toEqual([
      { sensor: 's1', property: 'pm25', start: START, last: START + 143 * 10 * MINUTE, low: 0, high: 0 },
    ]);
    const day2 = series('pm25', 144, () => 0, { from: START + 24 * 60 * MINUTE });
    expect(stuckCount(markStuckReadings(day2, first.runs).readings)).toBe(144);
  });

  it('ends a stretch at a silence longer than the limit, and never flags energy', () => {
    const before = series('pm25', 2, () => 0);
    const after = series('pm25', 2, () => 0, { from: START + 30 * 60 * MINUTE });
    expect(stuckCount(markStuckReadings([...before, ...after]).readings)).toBe(0);
    expect(stuckCount(markStuckReadings(series('energy', 500, () => 0)).readings)).toBe(0);
  });

  it('judges each sensor on its own', () => {
    const dead = series('pm25', 145, () => 0, { sensor: 'dead' });
    const live = series('pm25', 145, (i) => 5 + (i % 3) * 2, { sensor: 'live' });
    const marked = markStuckReadings([...live, ...dead]).readings;
    expect(marked.slice(0, 145).every((reading) => reading.flags === undefined)).toBe(true);
    expect(stuckCount(marked.slice(145))).toBe(145);
  });
});
