// Reduces one room's readings of one property to one value per local clock hour: the mean, or the sum for energy.
import { ValidationError } from '../errors.ts';
import { addDays, localDayStart, localParts } from './local-time.ts';
import type { Reading } from './types.ts';

const HOUR_MS = 3_600_000;

/** One local hour of one room and property. */
export interface HourlyValue {
  /** Local calendar date `YYYY-MM-DD` the hour belongs to. */
  date: string;
  /**
   * Elapsed hours from local midnight to the start of this hour: 0 … hoursInDay − 1. A UTC hour index, so the
   * repeated 01:00 of a 25-hour day is two hours (1 and 2) and a 23-hour day has no index 23.
   */
  index: number;
  /** Local clock hour (0–23) the hour starts at. */
  localHour: number;
  /** UTC start of the hour in ms since the epoch. */
  start: number;
  /** Mean of the hour's readings; for energy their sum (kWh used in the hour). */
  value: number;
  /** Distinct readings in the hour. */
  count: number;
}

/** A local day as an interval of UTC instants. */
interface LocalDay {
  date: string;
  start: number;
  end: number;
}

/** Hourly values of readings that all share one room and property, in time order; a repeated sensor+time counts once. */
export function hourlyValues(readings: readonly Reading[], timeZone: string): HourlyValue[] {
  const first = readings[0];
  if (first === undefined) return [];
  const sums = first.property === 'energy';
  // Instants already taken per sensor: a reading delivered twice (gateway retry, CSV replay) counts once.
  const seenBySensor = new Map<string, Set<number>>();
  const hours = new Map<number, HourlyValue>();
  // Readings mostly arrive in time order: the day of the previous reading usually holds the next one too.
  let day: LocalDay = { date: '', start: 0, end: 0 };
  for (const reading of readings) {
    if (reading.room !== first.room || reading.property !== first.property) {
      throw new ValidationError('Hourly values need readings of one room and one property', {
        rooms: [first.room, reading.room],
        properties: [first.property, reading.property],
      });
    }
    const time = reading.time.getTime();
    if (!Number.isFinite(time) || !Number.isFinite(reading.value)) {
      throw new ValidationError('A reading has no valid time or value', {
        sensor: reading.sensor,
        room: reading.room,
      });
    }
    let seen = seenBySensor.get(reading.sensor);
    if (seen === undefined) {
      seen = new Set<number>();
      seenBySensor.set(reading.sensor, seen);
    }
    if (seen.has(time)) continue;
    seen.add(time);

    if (time < day.start || time >= day.end) day = localDayOf(time, timeZone);
    const index = Math.floor((time - day.start) / HOUR_MS);
    const start = day.start + index * HOUR_MS;
    const hour = hours.get(start);
    if (hour === undefined) {
      const localHour = localParts(start, timeZone).hour;
      hours.set(start, { date: day.date, index, localHour, start, value: reading.value, count: 1 });
    } else {
      hour.value += reading.value;
      hour.count += 1;
    }
  }
  const result = [...hours.values()].sort((a, b) => a.start - b.start);
  if (!sums) for (const hour of result) hour.value /= hour.count;
  return result;
}

/** The local day an instant falls in. */
function localDayOf(time: number, timeZone: string): LocalDay {
  const date = localParts(time, timeZone).date;
  return {
    date,
    start: localDayStart(date, timeZone).getTime(),
    end: localDayStart(addDays(date, 1), timeZone).getTime(),
  };
}
