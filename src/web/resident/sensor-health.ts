// Finds the resident's sensors that look dead or stuck, from the quality figures of their daily summaries.
import type { Store } from 'n3';
import { type Property, PROPERTIES } from '../../metrics/index.ts';
import { parseDailySummaries, type PodLayout, readTurtle } from '../../pod/browser.ts';
import { PROPERTY_NAMES, withUnit } from '../shared/metric-words.ts';
import { newestMember } from './container-listing.ts';
import { previousMonth } from './home-readings.ts';
import { roomName, type HomeView } from './home-profile.ts';

/** What one daily summary says about its sensor's health. */
export interface DayHealth {
  property: Property;
  room: string;
  /** Local date `YYYY-MM-DD`. */
  date: string;
  /** Hours the gateway found the sensor stuck (hd:hoursStuck; 0 when the summary has no such measurement). */
  hoursStuck: number;
  min: number;
  max: number;
}

/** A sensor that looks dead or stuck: one room and property, the value it repeats and for how many days. */
export interface StuckSensor {
  property: Property;
  room: string;
  /** The value it keeps reporting, when every reading of the newest day was that one value; else null. */
  value: number | null;
  /** Days in a row, up to the newest summary, it has reported that value. */
  days: number;
  /** The newest day of the stretch. */
  until: string;
}

/** The health of each daily summary in a summaries document (read by the summaries format). */
export function parseDayHealth(store: Store, property: Property): DayHealth[] {
  const { summaries } = parseDailySummaries(store.getQuads(null, null, null, null));
  return summaries.map(({ room, date, hoursStuck, min, max }) => ({
    property,
    room,
    date,
    hoursStuck: hoursStuck ?? 0,
    min,
    max,
  }));
}

/** The calendar day before `YYYY-MM-DD`. */
function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/**
 * Sensors stuck on their newest day: for each room and property whose newest summary has stuck hours, the days
 * in a row with stuck hours up to it, plus the day before them when it already showed only the same value (the
 * gateway flags a sensor only once it has held a value for its property's limit, a day or more).
 */
export function stuckSensors(days: readonly DayHealth[]): StuckSensor[] {
  const bySensor = new Map<string, Map<string, DayHealth>>();
  for (const day of days) {
    const key = `${day.property}\u0000${day.room}`;
    const dates = bySensor.get(key) ?? new Map<string, DayHealth>();
    dates.set(day.date, day);
    bySensor.set(key, dates);
  }
  const found: StuckSensor[] = [];
  for (const dates of bySensor.values()) {
    const newest = [...dates.keys()].sort().pop()!;
    const last = dates.get(newest)!;
    if (last.hoursStuck === 0) continue;
    const value = last.min === last.max ? last.min : null;
    let count = 0;
    let date = newest;
    for (let day = dates.get(date); day !== undefined && day.hoursStuck > 0; day = dates.get(date)) {
      count++;
      date = dayBefore(date);
    }
    const before = dates.get(date);
    if (value !== null && before !== undefined && before.min === value && before.max === value) count++;
    found.push({ property: last.property, room: last.room, value, days: count, until: newest });
  }
  return found.sort((a, b) => a.room.localeCompare(b.room) || a.property.localeCompare(b.property));
}

/** Reads the newest two months of summaries of every property and finds the sensors stuck on their newest day. */
export async function readStuckSensors(fetchFn: typeof fetch, layout: PodLayout): Promise<StuckSensor[]> {
  const perProperty = await Promise.all(
    PROPERTIES.map(async (property) => {
      const newest = await newestMember(fetchFn, layout.summaryContainer(property));
      const month = newest && /(\d{4}-\d{2})\.ttl$/.exec(newest)?.[1];
      if (!month) return [];
      const documents = await Promise.all(
        [previousMonth(month), month].map((name) =>
          readTurtle(fetchFn, layout.summaryDocument(property, name)),
        ),
      );
      return documents.flatMap((document) => (document ? parseDayHealth(document.store, property) : []));
    }),
  );
  return stuckSensors(perProperty.flat());
}

/** What the resident is told about a stuck sensor: what it reports, since when, and what to do. */
export function stuckSensorText(sensor: StuckSensor, profile: HomeView): string {
  const what = `Your ${PROPERTY_NAMES[sensor.property]} sensor in ${roomName(profile, sensor.room)}`;
  const days = sensor.days === 1 ? '1 day' : `${sensor.days} days`;
  const said =
    sensor.value === null
      ? `has not changed for ${days}`
      : `has reported ${withUnit(sensor.value, sensor.property)} for ${days}`;
  return (
    `${what} ${said}. It may be dead or stuck: check that it has power and is clean, or replace it. ` +
    'Until it changes, its hours count as not measured in any figures you share.'
  );
}
