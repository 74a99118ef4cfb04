// Local calendar arithmetic in an IANA time zone: wall-clock parts of an instant, local day starts and lengths, ISO weeks.
import { ValidationError } from '../errors.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Wall-clock parts of an instant in a time zone; `date` is the local calendar date `YYYY-MM-DD`. */
export interface LocalParts {
  date: string;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// Building an Intl.DateTimeFormat costs far more than using one; formatters are immutable, so one per zone is shared.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch (error) {
      throw new ValidationError(`Unknown time zone: ${timeZone}`, { timeZone, reason: String(error) });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

// The first Intl.DateTimeFormat a process builds costs it ~12 MB of RSS (ICU's locale and calendar data; the list
// of zones and Date's own local time cost under 1 MB; docs/gateway.md, "fifth round"), a tenth of a small-board
// gateway. Date's getters follow the same ICU zone rules, so a process whose local zone is the one asked for (TZ
// names it, as `gateway run` sets it) takes wall time from Date and never builds a formatter.
let canonicalZones: ReadonlySet<string> | undefined;

/** Whether `timeZone` is one of ICU's canonical zone names, checked without building a formatter. */
function isCanonicalZone(timeZone: string): boolean {
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  return canonicalZones.has(timeZone);
}

/** Whether Date's local time is `timeZone`'s: TZ names it, and ICU knows it (for an unknown TZ, V8 falls back to UTC). */
function isProcessZone(timeZone: string): boolean {
  return typeof process !== 'undefined' && process.env['TZ'] === timeZone && isCanonicalZone(timeZone);
}

/** Throws a ValidationError unless `timeZone` is an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  if (!isCanonicalZone(timeZone)) formatterFor(timeZone);
}

/** Local wall-clock parts of a UTC instant in `timeZone`. */
export function localParts(instant: Date | number, timeZone: string): LocalParts {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const offset = steadyOffset(ms, timeZone);
  if (offset === undefined) return wallParts(ms, timeZone);
  const wall = new Date(ms + offset);
  return wallClock(
    wall.getUTCFullYear(),
    wall.getUTCMonth() + 1,
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
  );
}

/** Wall-clock parts of an instant, exact for any instant but costlier than an offset (a formatter's ~30×). */
function wallParts(instant: number, timeZone: string): LocalParts {
  return isProcessZone(timeZone) ? processLocalParts(instant) : formattedParts(instant, timeZone);
}

/** Wall-clock parts in the process's own zone, from Date's getters. */
function processLocalParts(instant: number): LocalParts {
  const local = new Date(instant);
  return wallClock(
    local.getFullYear(),
    local.getMonth() + 1,
    local.getDate(),
    local.getHours(),
    local.getMinutes(),
    local.getSeconds(),
  );
}

/** Wall-clock parts as the zone's formatter gives them. */
function formattedParts(instant: number, timeZone: string): LocalParts {
  const parts = formatterFor(timeZone).formatToParts(instant);
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of parts) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
    else if (part.type === 'second') second = Number(part.value);
  }
  return wallClock(year, month, day, hour, minute, second);
}

/** LocalParts from wall-clock numbers (month 1–12). */
function wallClock(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): LocalParts {
  return { date: formatDate(year, month, day), year, month, day, hour, minute, second };
}

// Readings come a minute apart and every one needs its local date or hour, so a zone's offset is kept per UTC
// hour: an hour whose first and last second have the same offset holds no rule change (no zone changes twice
// within an hour), so every instant in it has that offset. An hour with a change is left to the formatter.
// Emptied when full, which bounds the cache without bookkeeping.
const hourOffsets = new Map<string, number | null>();
const HOUR_OFFSET_CACHE_SIZE = 8192;

/** The zone's offset at `instant` when its UTC hour holds no rule change, else undefined. */
function steadyOffset(instant: number, timeZone: string): number | undefined {
  const hourStart = Math.floor(instant / HOUR_MS) * HOUR_MS;
  const key = `${timeZone} ${hourStart}`;
  let offset = hourOffsets.get(key);
  if (offset === undefined) {
    const first = offsetAt(hourStart, timeZone);
    offset = first === offsetAt(hourStart + HOUR_MS - 1000, timeZone) ? first : null;
    if (hourOffsets.size >= HOUR_OFFSET_CACHE_SIZE) hourOffsets.clear();
    hourOffsets.set(key, offset);
  }
  return offset ?? undefined;
}

/** `YYYY-MM-DD` from calendar numbers (month 1–12). */
function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Milliseconds since the epoch of `date`'s midnight as if it were UTC; throws on a malformed or impossible date. */
function wallMidnight(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match !== null) {
    const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    if (new Date(wall).toISOString().slice(0, 10) === date) return wall;
  }
  throw new ValidationError(`Not a calendar date (YYYY-MM-DD): ${date}`, { date });
}

/** Throws a ValidationError unless `date` is a real calendar date `YYYY-MM-DD`. */
export function assertCalendarDate(date: string): void {
  wallMidnight(date);
}

/** The zone's offset from UTC in ms at an instant (local wall time minus UTC), to the second. */
function offsetAt(instant: number, timeZone: string): number {
  const p = wallParts(instant, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

/** Whether the instant shows as `date` 00:00:00 on the local clock. */
function isLocalMidnight(instant: number, date: string, timeZone: string): boolean {
  const p = localParts(instant, timeZone);
  return p.date === date && p.hour === 0 && p.minute === 0 && p.second === 0;
}

// Day starts are asked for again and again (every home of a period, every reading of a day) and never change, so
// the most recent ones are kept; the cache is emptied when full, which bounds it without bookkeeping.
const dayStarts = new Map<string, number>();
const DAY_START_CACHE_SIZE = 4096;

/** The first instant of local calendar day `date` in `timeZone` (local midnight, or the end of a DST gap over it). */
export function localDayStart(date: string, timeZone: string): Date {
  const key = `${timeZone} ${date}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    start = findDayStart(date, timeZone);
    if (dayStarts.size >= DAY_START_CACHE_SIZE) dayStarts.clear();
    dayStarts.set(key, start);
  }
  return new Date(start);
}

/** The first instant of a local day, in ms since the epoch, worked out from the zone's offsets. */
function findDayStart(date: string, timeZone: string): number {
  const wall = wallMidnight(date);
  // The offsets on either side of the day cover every zone rule change that can touch its midnight.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - before, wall - after, wall - offsetAt(wall - before, timeZone)];
  let start = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate < start && isLocalMidnight(candidate, date, timeZone)) start = candidate;
  }
  if (start !== Number.POSITIVE_INFINITY) return start;
  // Midnight falls in a spring-forward gap: the day starts at the transition, found by bisection to the second.
  let low = Math.min(wall - before, wall - after);
  let high = Math.max(wall - before, wall - after);
  while (high - low > 1000) {
    const mid = low + Math.floor((high - low) / 2000) * 1000;
    if (localParts(mid, timeZone).date < date) low = mid;
    else high = mid;
  }
  return high;
}

/** Length of local day `date` in hours: 24, or 23 / 25 on daylight-saving days. */
export function hoursInLocalDay(date: string, timeZone: string): number {
  const start = localDayStart(date, timeZone).getTime();
  const end = localDayStart(addDays(date, 1), timeZone).getTime();
  return (end - start) / HOUR_MS;
}

/** The calendar date `days` after `date` (negative goes back). */
export function addDays(date: string, days: number): string {
  return new Date(wallMidnight(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar days of month `YYYY-MM`, in order. */
export function daysOfMonth(label: string): string[] {
  const match = /^(\d{4})-(\d{2})$/.exec(label);
  const month = match === null ? 0 : Number(match[2]);
  if (match === null || month < 1 || month > 12) {
    throw new ValidationError(`Not a month label (YYYY-MM): ${label}`, { label });
  }
  const length = new Date(Date.UTC(Number(match[1]), month, 0)).getUTCDate();
  const days: string[] = [];
  for (let day = 1; day <= length; day++) days.push(`${label}-${String(day).padStart(2, '0')}`);
  return days;
}

/** Monday of ISO week 1 of ISO week-year `year` (the week holding 4 January). */
function isoWeekOneMonday(year: number): string {
  const jan4 = formatDate(year, 1, 4);
  const weekday = (new Date(wallMidnight(jan4)).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(jan4, -weekday);
}

/** The seven calendar days (Monday to Sunday) of ISO week `YYYY-Www`. */
export function daysOfIsoWeek(label: string): string[] {
  const match = /^(\d{4})-W(\d{2})$/.exec(label);
  if (match !== null) {
    const year = Number(match[1]);
    const week = Number(match[2]);
    const monday = addDays(isoWeekOneMonday(year), (week - 1) * 7);
    if (week >= 1 && isoWeekOf(monday) === label) {
      const days: string[] = [];
      for (let i = 0; i < 7; i++) days.push(addDays(monday, i));
      return days;
    }
  }
  throw new ValidationError(`Not an ISO week label (YYYY-Www): ${label}`, { label });
}

/** ISO 8601 week label `YYYY-Www` of a calendar date; the year is the ISO week-year. */
export function isoWeekOf(date: string): string {
  const wall = wallMidnight(date);
  const weekday = (new Date(wall).getUTCDay() + 6) % 7; // Monday = 0
  // The Thursday of a date's week decides its ISO week-year (ISO 8601 §3.2.2).
  const thursday = new Date(wall + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${String(year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}
