// Reads the resident's own readings for the "My home" charts: the hours' flush documents for a day, daily summaries
// beyond.
import { Store } from 'n3';
import { mapLimited } from '../../bounded-concurrency.ts';
import type { Property } from '../../metrics/index.ts';
import { parseDailySummaries, type PodLayout, readTurtle, roomSlugOf } from '../../pod/browser.ts';
import { propertyOfIri, TERMS } from '../../vocab/browser.ts';
import { listContainer, newestMember } from './container-listing.ts';

/** One value at one time (epoch seconds) in one room. */
export interface Point {
  room: string;
  time: number;
  value: number;
}

/** The time span a chart shows, and the points in it for one property. */
export interface ChartWindow {
  property: Property;
  /** Epoch seconds, inclusive start and exclusive end. */
  from: number;
  to: number;
  points: Point[];
}

const HOUR = 3600;

/** Every reading in a store of readings documents, by property. */
export function parseReadings(store: Store): (Point & { property: Property })[] {
  const out: (Point & { property: Property })[] = [];
  for (const observation of store.getSubjects(TERMS.rdf.type, TERMS.hd.Reading, null)) {
    const one = (subject: string, predicate: { value: string }) =>
      store.getObjects(subject, predicate.value, null)[0];
    const property = propertyOfIri(one(observation.value, TERMS.sosa.observedProperty)?.value ?? '');
    const room = one(observation.value, TERMS.sosa.hasFeatureOfInterest)?.value;
    const time = one(observation.value, TERMS.sosa.resultTime)?.value;
    const result = one(observation.value, TERMS.sosa.hasResult)?.value;
    const value = result ? Number(one(result, TERMS.qudt.numericValue)?.value) : NaN;
    if (!property || !room || !time || !Number.isFinite(value)) continue;
    out.push({ property, room: roomSlugOf(room), time: Date.parse(time) / 1000, value });
  }
  return out;
}

/**
 * A daily summary's chart value: the day's total for energy (kWh/day), the mean of hourly means otherwise. Read by
 * the summaries format, so a summary the broker would leave out as incomplete is left out here too.
 */
export function parseSummaries(store: Store, property: Property): (Point & { date: string })[] {
  const { summaries } = parseDailySummaries(store.getQuads(null, null, null, null));
  const out: (Point & { date: string })[] = [];
  for (const summary of summaries) {
    const value = property === 'energy' ? summary.sum : summary.mean;
    if (value === undefined || !Number.isFinite(value)) continue;
    // Noon UTC of the local date: the point sits in the middle of its day whatever the viewer's time zone.
    const time = Date.parse(`${summary.date}T12:00:00Z`) / 1000;
    out.push({ date: summary.date, room: summary.room, time, value });
  }
  return out;
}

/** The start (epoch seconds) of the newest hour with readings, found by walking year, month, day, hour containers. */
export async function newestReadingHour(fetchFn: typeof fetch, layout: PodLayout): Promise<number | null> {
  let container = layout.readings;
  for (let depth = 0; depth < 3; depth++) {
    const next = await newestMember(fetchFn, container);
    if (!next || !next.endsWith('/')) return null;
    container = next;
  }
  const hour = await newestMember(fetchFn, container);
  const match = hour && /(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/$/.exec(hour);
  if (!match) return null;
  const [, year, month, day, hh] = match;
  return Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hh)) / 1000;
}

/** Documents read at once from the resident's pod: a day is 24 listings and ~12 flush documents per hour. */
const READ_CONCURRENCY = 6;

/**
 * Every readings document of the UTC hours starting at `hours` (epoch seconds), merged into one store: the gateway
 * writes one document per flush into the hour's container, and a reading written twice (a retried flush) is the
 * same triples, so it counts once.
 */
export async function readReadingHours(
  fetchFn: typeof fetch,
  layout: PodLayout,
  hours: readonly number[],
): Promise<Store> {
  const listings = await mapLimited(hours, READ_CONCURRENCY, (hour) =>
    listContainer(fetchFn, layout.readingsHour(new Date(hour * 1000))),
  );
  const documents = await mapLimited(listings.flat(), READ_CONCURRENCY, (url) => readTurtle(fetchFn, url));
  const store = new Store();
  for (const document of documents)
    if (document) store.addQuads(document.store.getQuads(null, null, null, null));
  return store;
}

/** Reads the last 24 hours that have readings: the newest hour and the 23 before it. */
export async function readLastDay(
  fetchFn: typeof fetch,
  layout: PodLayout,
): Promise<(Point & { property: Property })[] | null> {
  const newest = await newestReadingHour(fetchFn, layout);
  if (newest === null) return null;
  const hours = Array.from({ length: 24 }, (_, index) => newest - (23 - index) * HOUR);
  return parseReadings(await readReadingHours(fetchFn, layout, hours));
}

/** The 24-hour window of one property from a day of readings. */
export function dayWindow(
  readings: readonly (Point & { property: Property })[],
  property: Property,
): ChartWindow {
  const end = Math.max(...readings.map((reading) => Math.floor(reading.time / HOUR) * HOUR + HOUR));
  const points = readings
    .filter((reading) => reading.property === property)
    .map(({ room, time, value }) => ({ room, time, value }));
  return { property, from: end - 24 * HOUR, to: end, points };
}

/** The month before `YYYY-MM`. */
export function previousMonth(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 1 ? `${year - 1}-12` : `${year}-${String(number - 1).padStart(2, '0')}`;
}

/** Reads the newest `days` days of daily summaries of one property: its newest month document and the one before. */
export async function readRecentDays(
  fetchFn: typeof fetch,
  layout: PodLayout,
  property: Property,
  days: number,
): Promise<ChartWindow | null> {
  const newest = await newestMember(fetchFn, layout.summaryContainer(property));
  const month = newest && /(\d{4}-\d{2})\.ttl$/.exec(newest)?.[1];
  if (!month) return null;
  const documents = await Promise.all(
    [previousMonth(month), month].map((name) => readTurtle(fetchFn, layout.summaryDocument(property, name))),
  );
  const summaries = documents.flatMap((document) =>
    document ? parseSummaries(document.store, property) : [],
  );
  if (summaries.length === 0) return null;
  const lastDate = summaries.reduce((latest, summary) => (summary.date > latest ? summary.date : latest), '');
  const to = Date.parse(`${lastDate}T00:00:00Z`) / 1000 + 24 * HOUR;
  const from = to - days * 24 * HOUR;
  const points = summaries
    .filter((summary) => summary.time >= from && summary.time < to)
    .map(({ room, time, value }) => ({ room, time, value }));
  return { property, from, to, points };
}

/** Points as uPlot wants them: one x array (sorted times) and one y array per room, null where a room has none. */
export function alignByRoom(points: readonly Point[]): {
  rooms: string[];
  times: number[];
  values: (number | null)[][];
} {
  const rooms = [...new Set(points.map((point) => point.room))].sort();
  const times = [...new Set(points.map((point) => point.time))].sort((a, b) => a - b);
  const column = new Map(times.map((time, index) => [time, index]));
  const values = rooms.map(() => new Array<number | null>(times.length).fill(null));
  const row = new Map(rooms.map((room, index) => [room, index]));
  for (const point of points) values[row.get(point.room)!]![column.get(point.time)!] = point.value;
  return { rooms, times, values };
}

/** Lowest, highest and mean value of one room's points: the chart's figures in words. */
export function roomRange(
  points: readonly Point[],
  room: string,
): { min: number; max: number; mean: number } | null {
  const values = points.filter((point) => point.room === room).map((point) => point.value);
  if (values.length === 0) return null;
  return {
    min: Math.min(...values),
    max: Math.max(...values),
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
  };
}
