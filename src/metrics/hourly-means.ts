// Reduces one room's readings of one property to one value per local clock hour: the mean, or the sum for energy.
import { ValidationError } from '../errors.ts';
import { localDayStart, localParts } from './local-time.ts';
import type { Reading } from './types.ts';

const HOUR_MS = 3_600_000;
// Every zone offset and rule change in use falls on a quarter hour, so all instants of a UTC quarter hour
// share one local hour: the calendar lookup is done once per quarter hour, not once per reading.
const QUARTER_MS = 900_000;

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

interface HourSlot {
  date: string;
  index: number;
  localHour: number;
  start: number;
}

/** Hourly values of readings that all share one room and property, in time order; a repeated sensor+time counts once. */
export function hourlyValues(readings: readonly Reading[], timeZone: string): HourlyValue[] {
  const first = readings[0];
  if (first === undefined) return [];
  const sums = first.property === 'energy';
  const seen = new Set<string>();
  const dayStarts = new Map<string, number>();
  const slots = new Map<number, HourSlot>();
  const hours = new Map<number, HourlyValue>();
  for (const reading of readings) {
    if (reading.room !== first.room || reading.property !== first.property) {
      throw new ValidationError('Hourly values need readings of one room and one property', {
        rooms: [first.room, reading.room],
        properties: [first.property, reading.property],
      });
    }
    const time = reading.time.getTime();
    if (!Number.isFinite(time) || !Number.isFinite(reading.value)) {
      throw new ValidationError('A reading has no valid time or value', { sensor: reading.sensor, room: reading.room });
    }
    const key = `${reading.sensor}\u0000${time}`;
    if (seen.has(key)) continue;
    seen.add(key);

    const quarter = Math.floor(time / QUARTER_MS);
    let slot = slots.get(quarter);
    if (slot === undefined) {
      slot = locateHour(time, timeZone, dayStarts);
      slots.set(quarter, slot);
    }
    const hour = hours.get(slot.start);
    if (hour === undefined) {
      hours.set(slot.start, { ...slot, value: reading.value, count: 1 });
    } else {
      hour.value += reading.value;
      hour.count += 1;
    }
  }
  const result = [...hours.values()].sort((a, b) => a.start - b.start);
  if (!sums) for (const hour of result) hour.value /= hour.count;
  return result;
}

/** The local day, hour index and clock hour an instant falls in. */
function locateHour(time: number, timeZone: string, dayStarts: Map<string, number>): HourSlot {
  const date = localParts(time, timeZone).date;
  let dayStart = dayStarts.get(date);
  if (dayStart === undefined) {
    dayStart = localDayStart(date, timeZone).getTime();
    dayStarts.set(date, dayStart);
  }
  const index = Math.floor((time - dayStart) / HOUR_MS);
  const start = dayStart + index * HOUR_MS;
  return { date, index, localHour: localParts(start, timeZone).hour, start };
}
