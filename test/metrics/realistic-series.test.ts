// Realistic sensor series from gateway checks to daily summaries and home values, each expectation worked by hand.
import { describe, expect, it } from 'vitest';
import { checkReading } from '../../src/gateway/reading-checks.ts';
import { computeHomeValue } from '../../src/metrics/home-value.ts';
import { daysOfIsoWeek } from '../../src/metrics/local-time.ts';
import type { Period } from '../../src/metrics/period.ts';
import { summariseReadings } from '../../src/metrics/daily-summary.ts';
import { markStuckReadings, type SensorRun } from '../../src/metrics/stuck-sensors.ts';
import type { DailySummary, Property, Reading } from '../../src/metrics/types.ts';

// January in London is UTC, so local hours are UTC hours.
const LONDON = 'Europe/London';
const WEEK: Period = { granularity: 'week', label: '2026-W03' };
const DAYS = daysOfIsoWeek('2026-W03');
const MONDAY = Date.UTC(2026, 0, 12);
const NOW = new Date('2026-01-20T00:00:00Z');
const HOUR = 3_600_000;

/** A week of raw values from one sensor, `perHour` each hour; `valueAt(hour of day, slot in hour)`. */
function week(
  property: Property,
  room: string,
  perHour: number,
  valueAt: (hour: number, slot: number) => number,
): Reading[] {
  const readings: Reading[] = [];
  for (let hour = 0; hour < 24 * 7; hour++) {
    for (let slot = 0; slot < perHour; slot++) {
      readings.push({
        sensor: `${room}-${property}`,
        room,
        property,
        time: new Date(MONDAY + hour * HOUR + (slot * HOUR) / perHour),
        value: valueAt(hour % 24, slot),
      });
    }
  }
  return readings;
}

/** What the gateway keeps of raw readings (refused ones dropped, others capped and flagged). */
function kept(readings: readonly Reading[]): Reading[] {
  return readings.flatMap((reading) => {
    const check = checkReading(reading, NOW, 0);
    return check.kind === 'kept' ? [check.reading] : [];
  });
}

/** Gateway checks, stuck marking over the whole week in one batch, then daily summaries. */
function summarise(readings: readonly Reading[]): DailySummary[] {
  return summariseReadings(markStuckReadings(kept(readings)).readings, LONDON, { now: NOW });
}

/** Like summarise, but one local day per batch with the open runs carried over, as the gateway summarises. */
function summariseDayByDay(readings: readonly Reading[]): DailySummary[] {
  const checked = kept(readings);
  let runs: SensorRun[] = [];
  const summaries: DailySummary[] = [];
  for (const [index] of DAYS.entries()) {
    const day = checked.filter(
      (reading) => Math.floor((reading.time.getTime() - MONDAY) / (24 * HOUR)) === index,
    );
    const marked = markStuckReadings(day, runs);
    runs = marked.runs;
    summaries.push(...summariseReadings(marked.readings, LONDON, { now: NOW }));
  }
  return summaries;
}

// Kitchen PM2.5, every 10 min: 2 and 4 µg/m³ in turn (hour mean 3), except 18:00–19:00, when cooking sends it
// to 20, 2800, 1500, 30, 20, 10 (hour mean 4380 / 6 = 730). Day mean (23 × 3 + 730) / 24 = 799 / 24.
const kitchenPm = week('pm25', 'kitchen', 6, (hour, slot) =>
  hour === 18 ? [20, 2800, 1500, 30, 20, 10][slot]! : slot % 2 === 0 ? 2 : 4,
);
// Bedroom PM2.5, every 10 min, exactly 0 for the whole week: a dead sensor.
const bedroomPm = week('pm25', 'bedroom-1', 6, () => 0);
// Bedroom CO2, every 5 min: 400 ppm for the first 30 minutes of each hour (resting at the sensor's floor while the
// window is open), then 450, 500, 550, 600, 650, 700. Hour mean (6 × 400 + 3450) / 12 = 487.5.
const bedroomCo2 = week('co2', 'bedroom-1', 12, (_, slot) => (slot < 6 ? 400 : 400 + (slot - 5) * 50));
// Bathroom RH, every 10 min: 60 and 62 % in turn (hour mean 61), except the 07:00 shower: 85, 95, 101, 101, 98, 90,
// the 101s kept as 100 (hour mean 568 / 6 = 94.67). Day mean (23 × 61 + 568 / 6) / 24.
const bathroomRh = week('humidity', 'bathroom', 6, (hour, slot) =>
  hour === 7 ? [85, 95, 101, 101, 98, 90][slot]! : slot % 2 === 0 ? 60 : 62,
);

describe('realistic series', () => {
  it('keeps PM2.5 bursts to 2,800 µg/m³: the day mean and pm25.days.above15 count them', () => {
    const summaries = summarise(kitchenPm);
    expect(summaries).toHaveLength(7);
    const monday = summaries[0]!;
    expect(monday).toEqual({
      property: 'pm25',
      room: 'kitchen',
      date: '2026-01-12',
      hoursInDay: 24,
      validHours: 24,
      count: 144,
      mean: expect.closeTo(799 / 24, 9) as number,
      min: 3,
      max: 730,
      hoursAboveSensorRange: 1,
    });
    // Each day's mean 33.3 µg/m³ > 15: all 7 days. Dropping the values above 1,000 (the old check) made the
    // cooking hour (20 + 30 + 20 + 10) / 4 = 20 and each day (69 + 20) / 24 = 3.7: 0 days.
    expect(computeHomeValue('pm25.days.above15', summaries, WEEK, LONDON)).toEqual({
      value: 7,
      coverage: 1,
      included: true,
    });
  });

  it('finds a week of exact zeros stuck: no measured hours, and the home left out as a sensor fault', () => {
    const summaries = summarise(bedroomPm);
    expect(summaries[3]).toEqual({
      property: 'pm25',
      room: 'bedroom-1',
      date: '2026-01-15',
      hoursInDay: 24,
      validHours: 0,
      count: 144,
      mean: 0,
      min: 0,
      max: 0,
      hoursStuck: 24,
    });
    // Without stuck detection this home counted as 0 days above 15 µg/m³: perfectly clean air.
    expect(computeHomeValue('pm25.days.above15', summaries, WEEK, LONDON)).toEqual({
      value: null,
      coverage: 0,
      included: false,
      leftOut: 'sensor-fault',
    });
  });

  it('finds the dead sensor day by day too: the first day counts, the other six are stuck', () => {
    const summaries = summariseDayByDay(bedroomPm);
    expect(summaries.map((summary) => [summary.validHours, summary.hoursStuck])).toEqual([
      [24, undefined],
      ...Array.from({ length: 6 }, () => [0, 24]),
    ]);
    // Coverage 24 / 168 = 1/7 < 0.75; with the stuck hours it would be 1: a sensor fault.
    expect(computeHomeValue('pm25.days.above15', summaries, WEEK, LONDON)).toEqual({
      value: null,
      coverage: 1 / 7,
      included: false,
      leftOut: 'sensor-fault',
    });
  });

  it('leaves a home out when one of its two PM2.5 rooms was dead (coverage 168 of 336 hours)', () => {
    const summaries = summarise([...kitchenPm, ...bedroomPm]);
    expect(computeHomeValue('pm25.days.above15', summaries, WEEK, LONDON)).toMatchObject({
      coverage: 0.5,
      included: false,
      leftOut: 'sensor-fault',
    });
  });

  it('does not flag CO2 resting at 400 ppm for 30-minute stretches', () => {
    const summaries = summarise(bedroomCo2);
    expect(summaries[0]).toEqual({
      property: 'co2',
      room: 'bedroom-1',
      date: '2026-01-12',
      hoursInDay: 24,
      validHours: 24,
      count: 288,
      mean: 487.5,
      min: 487.5,
      max: 487.5,
      // 22:00–07:00 is 9 night hours.
      nightHours: 9,
      nightMean: 487.5,
      hoursCo2Below800: 24,
      hoursCo2800to1000: 0,
      hoursCo21000to1500: 0,
      hoursCo2Above1500: 0,
    });
    expect(computeHomeValue('co2.night.mean', summaries, WEEK, LONDON)).toEqual({
      value: 487.5,
      coverage: 1,
      included: true,
    });
  });

  it('keeps a bathroom RH of 101 % as 100 %, counted in the damp hours and flagged', () => {
    const summaries = summarise(bathroomRh);
    expect(summaries[0]).toMatchObject({
      property: 'humidity',
      room: 'bathroom',
      validHours: 24,
      // Every reading kept: 6 × 24; the old check dropped the two 101s.
      count: 144,
      mean: expect.closeTo((23 * 61 + 568 / 6) / 24, 9) as number,
      min: 61,
      max: 568 / 6,
      // One hour (07:00, mean 94.7 %) at or above 70 and 80 %; ADF: 1 h above 70 % and 1 h above 90 % in 12 h
      // is within its limits (more than 2 h and more than 1 h fail).
      hoursRh70: 1,
      hoursRh80: 1,
      adfFailed: 0,
      hoursRhCapped: 1,
    });
    expect(computeHomeValue('damp.rh80.hours', summaries, WEEK, LONDON)).toEqual({
      value: 7,
      coverage: 1,
      included: true,
    });
  });

  it('tells gaps from faults: a sensor that was mostly silent is left out for low coverage', () => {
    const silent = kitchenPm.filter((reading) => reading.time.getTime() < MONDAY + 2 * 24 * HOUR);
    expect(computeHomeValue('pm25.days.above15', summarise(silent), WEEK, LONDON)).toMatchObject({
      included: false,
      leftOut: 'low-coverage',
    });
  });
});
