// Unit tests of home values: catalogue ids, worst-room and room-mean rules, coverage, DST periods and each metric.
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/errors.ts';
import { METRIC_IDS, METRICS, dpBoundsFor, getMetric } from '../../src/metrics/catalogue.ts';
import { computeHomeValue } from '../../src/metrics/home-value.ts';
import { daysOfIsoWeek, daysOfMonth, hoursInLocalDay } from '../../src/metrics/local-time.ts';
import type { Period } from '../../src/metrics/period.ts';
import { surfaceRelativeHumidity } from '../../src/metrics/psychrometrics.ts';
import type { DailySummary, Property } from '../../src/metrics/types.ts';

const LONDON = 'Europe/London';
const WEEK: Period = { granularity: 'week', label: '2026-W03' };
const WEEK_DAYS = daysOfIsoWeek('2026-W03');

/** A full 24-hour summary of one room and day, with `fields` on top. */
function summary(
  property: Property,
  room: string,
  date: string,
  fields: Partial<DailySummary> = {},
): DailySummary {
  return {
    property,
    room,
    date,
    hoursInDay: 24,
    validHours: 24,
    count: 24,
    mean: 0,
    min: 0,
    max: 0,
    ...fields,
  };
}

/** One summary per day of the week for a room. */
function week(property: Property, room: string, fields: Partial<DailySummary> = {}): DailySummary[] {
  return WEEK_DAYS.map((date) => summary(property, room, date, fields));
}

describe('metrics catalogue', () => {
  it('has the four fixed ids and every metric documented', () => {
    for (const id of ['damp.rh70.hours', 'damp.rh80.hours', 'temperature.mean', 'cold.below18.hours']) {
      expect(METRIC_IDS).toContain(id);
    }
    expect(METRICS.map((metric) => metric.id)).toEqual([...METRIC_IDS]);
    for (const metric of METRICS) {
      expect(metric.unit.length).toBeGreaterThan(0);
      expect(metric.source.length).toBeGreaterThan(0);
      expect(metric.inputs).toContain(metric.property);
      expect(metric.dpBounds.lower).toBeLessThan(metric.dpBounds.upper);
    }
  });

  it('marks only energy as additive', () => {
    expect(METRICS.filter((metric) => metric.additive).map((metric) => metric.id)).toEqual([
      'energy.kwh.perDay',
    ]);
  });

  it('scales per-day DP bounds with the period', () => {
    expect(dpBoundsFor(getMetric('cold.below18.hours'), 31)).toEqual({ lower: 0, upper: 775, scale: 10 });
    expect(dpBoundsFor(getMetric('temperature.mean'), 31)).toEqual({ lower: 0, upper: 35, scale: 10 });
  });

  it('refuses an unknown metric id', () => {
    expect(() => getMetric('damp.rh99.hours')).toThrow(NotFoundError);
    expect(() => computeHomeValue('nope', [], WEEK, LONDON)).toThrow(NotFoundError);
  });
});

describe('home values', () => {
  it('takes the worst room for hour counts', () => {
    const summaries = [
      ...week('humidity', 'bathroom', { hoursRh70: 5 }),
      ...week('humidity', 'bedroom-1', { hoursRh70: 2 }),
    ];
    expect(computeHomeValue('damp.rh70.hours', summaries, WEEK, LONDON)).toEqual({
      value: 35,
      coverage: 1,
      included: true,
    });
  });

  it('takes the mean over rooms of each room’s hour-weighted mean', () => {
    const summaries = [
      summary('temperature', 'kitchen', WEEK_DAYS[0]!, { mean: 18, validHours: 24 }),
      summary('temperature', 'kitchen', WEEK_DAYS[1]!, { mean: 21, validHours: 18 }),
      ...WEEK_DAYS.slice(2).map((date) => summary('temperature', 'kitchen', date, { mean: 20 })),
      ...week('temperature', 'bedroom-1', { mean: 16 }),
    ];
    const kitchen = (18 * 24 + 21 * 18 + 20 * 24 * 5) / (24 + 18 + 24 * 5);
    const result = computeHomeValue('temperature.mean', summaries, WEEK, LONDON);
    expect(result.value).toBeCloseTo((kitchen + 16) / 2, 10);
    expect(result.coverage).toBeCloseTo((24 * 14 - 6) / (24 * 14), 10);
  });

  it('excludes a home-period with coverage under 75 %', () => {
    const result = computeHomeValue(
      'temperature.mean',
      week('temperature', 'kitchen', { validHours: 12, mean: 20 }),
      WEEK,
      LONDON,
    );
    expect(result).toEqual({ value: null, coverage: 0.5, included: false, leftOut: 'low-coverage' });
  });

  it('counts missing days against coverage: 5 of 7 days is out, 6 of 7 is in', () => {
    const five = week('temperature', 'kitchen', { mean: 20 }).slice(0, 5);
    const six = week('temperature', 'kitchen', { mean: 20 }).slice(0, 6);
    expect(computeHomeValue('temperature.mean', five, WEEK, LONDON)).toMatchObject({
      included: false,
      value: null,
    });
    expect(computeHomeValue('temperature.mean', six, WEEK, LONDON)).toMatchObject({
      included: true,
      value: 20,
    });
    expect(computeHomeValue('temperature.mean', six, WEEK, LONDON).coverage).toBeCloseTo(6 / 7, 10);
  });

  it('counts a room with few hours against the whole home’s coverage', () => {
    const summaries = [
      ...week('temperature', 'kitchen', { mean: 20 }),
      ...week('temperature', 'hall', { mean: 18, validHours: 6 }),
    ];
    expect(computeHomeValue('temperature.mean', summaries, WEEK, LONDON)).toMatchObject({
      coverage: 30 / 48,
      included: false,
    });
  });

  it('expects 745 hours per room in October with its 25-hour day', () => {
    const october = daysOfMonth('2026-10').map((date) =>
      summary('temperature', 'kitchen', date, {
        hoursInDay: hoursInLocalDay(date, LONDON),
        validHours: hoursInLocalDay(date, LONDON),
        mean: 19,
      }),
    );
    expect(october.reduce((sum, day) => sum + day.validHours, 0)).toBe(745);
    expect(
      computeHomeValue('temperature.mean', october, { granularity: 'month', label: '2026-10' }, LONDON),
    ).toEqual({
      value: 19,
      coverage: 1,
      included: true,
    });
  });

  it('ignores summaries outside the period and keeps the last of a repeated day', () => {
    const summaries = [
      ...week('temperature', 'kitchen', { hoursBelow18: 1 }),
      summary('temperature', 'kitchen', '2026-01-19', { hoursBelow18: 24 }),
      summary('temperature', 'kitchen', WEEK_DAYS[0]!, { hoursBelow18: 3 }),
    ];
    expect(computeHomeValue('cold.below18.hours', summaries, WEEK, LONDON).value).toBe(9);
  });

  it('leaves the outdoor sensor out of indoor metrics and their coverage', () => {
    const summaries = [
      ...week('temperature', 'kitchen', { mean: 20 }),
      ...week('temperature', 'outdoor', { mean: 2, validHours: 1 }),
    ];
    expect(computeHomeValue('temperature.mean', summaries, WEEK, LONDON)).toEqual({
      value: 20,
      coverage: 1,
      included: true,
    });
  });

  it('gives the share of hours below 16 °C of the worst room', () => {
    const summaries = [
      ...week('temperature', 'kitchen', { hoursBelow16: 3 }),
      ...week('temperature', 'bedroom-2', { hoursBelow16: 12 }),
    ];
    expect(computeHomeValue('cold.below16.share', summaries, WEEK, LONDON).value).toBe(0.5);
  });

  it('gives the daytime mean weighted by daytime hours', () => {
    const summaries = [
      summary('temperature', 'kitchen', WEEK_DAYS[0]!, { daytimeMean: 22, daytimeHours: 16 }),
      ...WEEK_DAYS.slice(1).map((date) =>
        summary('temperature', 'kitchen', date, { daytimeMean: 19, daytimeHours: 8 }),
      ),
    ];
    expect(computeHomeValue('temperature.daytime.mean', summaries, WEEK, LONDON).value).toBeCloseTo(
      (22 * 16 + 19 * 8 * 6) / (16 + 48),
      10,
    );
  });

  it('flags TM59 when a bedroom is above 26 °C for more than 1 % of its night hours', () => {
    const oneHot = [
      summary('temperature', 'bedroom-1', WEEK_DAYS[0]!, { nightHours: 9, nightHoursAbove26: 1 }),
      ...WEEK_DAYS.slice(1).map((date) =>
        summary('temperature', 'bedroom-1', date, { nightHours: 9, nightHoursAbove26: 0 }),
      ),
    ];
    expect(computeHomeValue('overheating.tm59.exceeds', oneHot, WEEK, LONDON).value).toBe(1);
    expect(computeHomeValue('overheating.night.above26.hours', oneHot, WEEK, LONDON).value).toBe(1);
    const cool = week('temperature', 'bedroom-1', { nightHours: 9, nightHoursAbove26: 0 });
    expect(computeHomeValue('overheating.tm59.exceeds', cool, WEEK, LONDON).value).toBe(0);
  });

  it('looks only at bedrooms for overheating, and gives no value without one', () => {
    const livingRoom = week('temperature', 'living-room', { nightHours: 9, nightHoursAbove26: 9 });
    expect(computeHomeValue('overheating.tm59.exceeds', livingRoom, WEEK, LONDON)).toEqual({
      value: null,
      coverage: 0,
      included: false,
    });
  });

  it('counts CO2 hours above 1000 ppm as both bands above it', () => {
    const summaries = week('co2', 'bedroom-1', { hoursCo21000to1500: 3, hoursCo2Above1500: 1 });
    expect(computeHomeValue('co2.above1000.hours', summaries, WEEK, LONDON).value).toBe(28);
    expect(computeHomeValue('co2.above1500.hours', summaries, WEEK, LONDON).value).toBe(7);
  });

  it('gives the CO2 night mean weighted by night hours', () => {
    const summaries = [
      summary('co2', 'bedroom-1', WEEK_DAYS[0]!, { nightMean: 1200, nightHours: 9 }),
      ...WEEK_DAYS.slice(1).map((date) =>
        summary('co2', 'bedroom-1', date, { nightMean: 900, nightHours: 3 }),
      ),
    ];
    expect(computeHomeValue('co2.night.mean', summaries, WEEK, LONDON).value).toBeCloseTo(
      (1200 * 9 + 900 * 18) / 27,
      10,
    );
  });

  it('counts PM2.5 days above 15 µg/m³ only when the day is 75 % measured', () => {
    const summaries = [
      summary('pm25', 'living-room', WEEK_DAYS[0]!, { mean: 15 }),
      summary('pm25', 'living-room', WEEK_DAYS[1]!, { mean: 15.1 }),
      summary('pm25', 'living-room', WEEK_DAYS[2]!, { mean: 30, validHours: 17 }),
      summary('pm25', 'living-room', WEEK_DAYS[3]!, { mean: 30, validHours: 18 }),
      ...WEEK_DAYS.slice(4).map((date) => summary('pm25', 'living-room', date, { mean: 5 })),
    ];
    expect(computeHomeValue('pm25.days.above15', summaries, WEEK, LONDON)).toMatchObject({
      value: 2,
      included: true,
    });
  });

  it('counts ADF-failed days in the worst room', () => {
    const summaries = [
      ...week('humidity', 'bathroom', { adfFailed: 1 }),
      ...week('humidity', 'kitchen', { adfFailed: 0 }),
    ];
    expect(computeHomeValue('damp.adf.daysFailed', summaries, WEEK, LONDON).value).toBe(7);
  });

  it('gives energy per day summed over meters', () => {
    const summaries = [...week('energy', 'meter', { sum: 10 }), ...week('energy', 'heat-pump', { sum: 4 })];
    expect(computeHomeValue('energy.kwh.perDay', summaries, WEEK, LONDON).value).toBe(14);
  });

  it('gives the dew point mean weighted by the hours it was known', () => {
    const summaries = [
      summary('humidity', 'bathroom', WEEK_DAYS[0]!, { dewPointMean: 12, dewPointHours: 24 }),
      ...WEEK_DAYS.slice(1).map((date) =>
        summary('humidity', 'bathroom', date, { dewPointMean: 9, dewPointHours: 12 }),
      ),
    ];
    expect(computeHomeValue('damp.dewpoint.mean', summaries, WEEK, LONDON).value).toBeCloseTo(
      (12 * 24 + 9 * 72) / 96,
      10,
    );
  });

  it('computes surface RH from the room, its temperature and the outdoor temperature', () => {
    const humidity = week('humidity', 'bedroom-1', { vapourPressureMean: 14, dewPointHours: 24 });
    const indoor = week('temperature', 'bedroom-1', { mean: 20 });
    const outdoor = week('temperature', 'outdoor', { mean: 4 });
    const result = computeHomeValue(
      'damp.surfaceRh.mean',
      [...humidity, ...indoor, ...outdoor],
      WEEK,
      LONDON,
    );
    expect(result.value).toBeCloseTo(surfaceRelativeHumidity(20, 4, 14), 10);
    expect(result.value).toBeCloseTo((100 * 14) / (6.112 * Math.exp((17.62 * 16) / (243.12 + 16))), 10);
  });

  it('gives no surface RH without an outdoor temperature', () => {
    const summaries = [
      ...week('humidity', 'bedroom-1', { vapourPressureMean: 14, dewPointHours: 24 }),
      ...week('temperature', 'bedroom-1', { mean: 20 }),
    ];
    expect(computeHomeValue('damp.surfaceRh.mean', summaries, WEEK, LONDON)).toEqual({
      value: null,
      coverage: 1,
      included: false,
    });
  });
});
