// Unit tests of daily summaries: thresholds, ADF windows, DST days, CO2 band edges and complete-day batching.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { summariseDay, summariseReadings } from '../../src/metrics/daily-summary.ts';
import type { HourlyValue } from '../../src/metrics/hourly-means.ts';
import { dewPoint, vapourPressure } from '../../src/metrics/psychrometrics.ts';
import type { Property, Reading } from '../../src/metrics/types.ts';

const DATE = '2026-01-10';

/** Hours of a 24-hour UTC-aligned day: `values[i]` at index i; undefined leaves a gap. */
function hours(values: readonly (number | undefined)[], date = DATE): HourlyValue[] {
  const result: HourlyValue[] = [];
  values.forEach((value, index) => {
    if (value !== undefined) result.push({ date, index, localHour: index, start: index, value, count: 1 });
  });
  return result;
}

function day(property: Property, values: readonly (number | undefined)[], temperatures?: HourlyValue[]) {
  return summariseDay({
    property,
    room: 'bathroom',
    date: DATE,
    hoursInDay: 24,
    hours: hours(values),
    temperatures,
  });
}

/** A 24-hour day at `base` with `overrides` at given hour indices. */
function flat(base: number, overrides: Record<number, number> = {}): number[] {
  return Array.from({ length: 24 }, (_, index) => overrides[index] ?? base);
}

describe('daily summary', () => {
  it('gives count, valid hours, mean, min and max of the hourly values', () => {
    const summary = day('pm25', [10, undefined, 20, 30]);
    expect(summary).toEqual({
      property: 'pm25',
      room: 'bathroom',
      date: DATE,
      hoursInDay: 24,
      validHours: 3,
      count: 3,
      mean: 20,
      min: 10,
      max: 30,
    });
  });

  it('counts humidity hours at or above 70 % and 80 %', () => {
    const summary = day('humidity', [69.9, 70, 75, 80, 85]);
    expect(summary).toMatchObject({ hoursRh70: 4, hoursRh80: 2 });
  });

  it('fails ADF when three hours above 70 % fall within 12 consecutive hours', () => {
    expect(day('humidity', flat(60, { 0: 71, 5: 71, 11: 71 })).adfFailed).toBe(1);
  });

  it('passes ADF when three hours above 70 % span more than 12 hours', () => {
    expect(day('humidity', flat(60, { 0: 71, 6: 71, 12: 71 })).adfFailed).toBe(0);
  });

  it('does not count exactly 70 % as above 70 % for ADF', () => {
    expect(day('humidity', flat(60, { 0: 70, 1: 70, 2: 70 })).adfFailed).toBe(0);
  });

  it('fails ADF when two hours above 90 % fall within 12 hours, and not when they are 12 apart', () => {
    expect(day('humidity', flat(60, { 3: 91, 14: 91 })).adfFailed).toBe(1);
    expect(day('humidity', flat(60, { 3: 91, 15: 91 })).adfFailed).toBe(0);
  });

  it('takes the dew point only over hours where the room temperature is known', () => {
    const summary = day('humidity', [50, 70, 60], hours([20, 22]));
    expect(summary.dewPointHours).toBe(2);
    expect(summary.dewPointMean).toBeCloseTo((dewPoint(20, 50) + dewPoint(22, 70)) / 2, 10);
    expect(summary.vapourPressureMean).toBeCloseTo((vapourPressure(20, 50) + vapourPressure(22, 70)) / 2, 10);
  });

  it('leaves the dew point out when no temperature is known', () => {
    const summary = day('humidity', [50, 70]);
    expect(summary.dewPointHours).toBe(0);
    expect(summary).not.toHaveProperty('dewPointMean');
  });

  it('counts cold hours below 18 °C and 16 °C, strictly below', () => {
    const summary = day('temperature', [15.9, 16, 17.9, 18, 21]);
    expect(summary).toMatchObject({ hoursBelow18: 3, hoursBelow16: 1 });
  });

  it('splits temperature into daytime 07:00–23:00 and night 22:00–07:00', () => {
    const summary = day('temperature', flat(20, { 6: 27, 7: 10, 22: 26.5, 23: 26 }));
    expect(summary.daytimeHours).toBe(16);
    expect(summary.daytimeMean).toBeCloseTo((14 * 20 + 10 + 26.5) / 16, 10);
    expect(summary.nightHours).toBe(9);
    expect(summary.nightHoursAbove26).toBe(2);
  });

  it('a 23-hour day has 8 night hours and a 25-hour day has 10', () => {
    const spring = summariseReadings(
      Array.from({ length: 23 }, (_, h) =>
        temperature('bedroom-1', new Date(Date.UTC(2026, 2, 29, h, 10)), 20),
      ),
      'Europe/London',
      { now: new Date('2026-04-01T00:00:00Z') },
    );
    expect(spring).toHaveLength(1);
    expect(spring[0]).toMatchObject({
      date: '2026-03-29',
      hoursInDay: 23,
      validHours: 23,
      nightHours: 8,
      daytimeHours: 16,
    });
    const autumn = summariseReadings(
      Array.from({ length: 25 }, (_, h) =>
        temperature('bedroom-1', new Date(Date.UTC(2026, 9, 24, 23 + h, 10)), 20),
      ),
      'Europe/London',
      { now: new Date('2026-11-01T00:00:00Z') },
    );
    expect(autumn).toHaveLength(1);
    expect(autumn[0]).toMatchObject({
      date: '2026-10-25',
      hoursInDay: 25,
      validHours: 25,
      nightHours: 10,
      daytimeHours: 16,
    });
  });

  it('puts CO2 band edges where documented: <800, 800–1000, >1000–1500, >1500', () => {
    const summary = day('co2', [799, 800, 1000, 1000.5, 1500, 1501]);
    expect(summary).toMatchObject({
      hoursCo2Below800: 1,
      hoursCo2800to1000: 2,
      hoursCo21000to1500: 2,
      hoursCo2Above1500: 1,
    });
  });

  it('gives the CO2 night mean over 22:00–07:00', () => {
    const summary = day('co2', flat(600, { 0: 1500, 23: 1200 }));
    expect(summary.nightHours).toBe(9);
    expect(summary.nightMean).toBeCloseTo((7 * 600 + 1500 + 1200) / 9, 10);
  });

  it('sums energy over the day', () => {
    expect(day('energy', [0.5, 0.25, undefined, 1]).sum).toBe(1.75);
  });

  it('refuses an empty day and a repeated hour', () => {
    expect(() => day('pm25', [])).toThrow(ValidationError);
    const repeated = [...hours([10]), ...hours([12])];
    expect(() =>
      summariseDay({ property: 'pm25', room: 'x', date: DATE, hoursInDay: 24, hours: repeated }),
    ).toThrow(ValidationError);
  });
});

function temperature(room: string, time: Date, value: number, sensor = 't1'): Reading {
  return { sensor, room, property: 'temperature', time, value };
}

function humidity(room: string, time: Date, value: number, sensor = 'h1'): Reading {
  return { sensor, room, property: 'humidity', time, value };
}

describe('summarising a batch of readings', () => {
  const at = (iso: string) => new Date(iso);

  it('summarises only local days that have ended by now', () => {
    const readings = [
      temperature('kitchen', at('2026-01-10T12:00:00Z'), 19),
      temperature('kitchen', at('2026-01-11T12:00:00Z'), 21),
    ];
    const summaries = summariseReadings(readings, 'Europe/London', { now: at('2026-01-11T23:59:59Z') });
    expect(summaries.map((summary) => summary.date)).toEqual(['2026-01-10']);
    const both = summariseReadings(readings, 'Europe/London', { now: at('2026-01-12T00:00:00Z') });
    expect(both.map((summary) => summary.date)).toEqual(['2026-01-10', '2026-01-11']);
  });

  it('waits for the local day to end, not the UTC day', () => {
    // 2026-07-10 in London ends at 23:00 UTC.
    const readings = [temperature('kitchen', at('2026-07-10T12:00:00Z'), 24)];
    expect(summariseReadings(readings, 'Europe/London', { now: at('2026-07-10T22:59:59Z') })).toEqual([]);
    expect(summariseReadings(readings, 'Europe/London', { now: at('2026-07-10T23:00:00Z') })).toHaveLength(1);
  });

  it('keeps rooms and properties apart', () => {
    const readings = [
      temperature('kitchen', at('2026-01-10T12:00:00Z'), 19),
      temperature('bedroom-1', at('2026-01-10T12:00:00Z'), 17),
      humidity('kitchen', at('2026-01-10T12:00:00Z'), 60),
    ];
    const summaries = summariseReadings(readings, 'UTC', { now: at('2026-02-01T00:00:00Z') });
    expect(summaries.map((s) => `${s.property}/${s.room}/${s.mean}`)).toEqual([
      'humidity/kitchen/60',
      'temperature/bedroom-1/17',
      'temperature/kitchen/19',
    ]);
  });

  it('takes the dew point from the same room’s temperatures in the batch or passed beside it', () => {
    const now = at('2026-02-01T00:00:00Z');
    const inBatch = summariseReadings(
      [
        humidity('bathroom', at('2026-01-10T12:05:00Z'), 50),
        temperature('bathroom', at('2026-01-10T12:10:00Z'), 20),
      ],
      'UTC',
      { now },
    );
    expect(inBatch.find((s) => s.property === 'humidity')?.dewPointMean).toBeCloseTo(dewPoint(20, 50), 10);
    const beside = summariseReadings([humidity('bathroom', at('2026-01-10T12:05:00Z'), 50)], 'UTC', {
      now,
      temperatureForDewPoint: [
        temperature('bathroom', at('2026-01-10T12:10:00Z'), 20),
        temperature('kitchen', at('2026-01-10T12:10:00Z'), 5),
      ],
    });
    expect(beside).toHaveLength(1);
    expect(beside[0]?.dewPointMean).toBeCloseTo(dewPoint(20, 50), 10);
  });
});
