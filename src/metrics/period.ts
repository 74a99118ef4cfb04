// Reporting periods (calendar months and ISO weeks): parsing labels, their local days and hours, covering a date range.
import { ValidationError } from '../errors.ts';
import {
  addDays,
  assertCalendarDate,
  daysOfIsoWeek,
  daysOfMonth,
  isoWeekOf,
  localDayStart,
} from './local-time.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type Granularity = 'month' | 'week';

/** A reporting period: a calendar month `2026-01` or an ISO week `2026-W03`, in the home's local time. */
export interface Period {
  granularity: Granularity;
  label: string;
}

/** The period a label names, inferring month (`YYYY-MM`) or ISO week (`YYYY-Www`); throws on anything else. */
export function parsePeriod(label: string): Period {
  const granularity: Granularity = label.includes('W') ? 'week' : 'month';
  const period = { granularity, label };
  periodDays(period);
  return period;
}

/** The local calendar days of a period, in order. */
export function periodDays(period: Period): string[] {
  return period.granularity === 'month' ? daysOfMonth(period.label) : daysOfIsoWeek(period.label);
}

/** Hours in a period's local days, counting 23- and 25-hour daylight-saving days as they are. */
export function periodHours(period: Period, timeZone: string): number {
  const days = periodDays(period);
  // A period's days are consecutive: its length is from the first local midnight to the one after its last day.
  const start = localDayStart(days[0]!, timeZone).getTime();
  const end = localDayStart(addDays(days[days.length - 1]!, 1), timeZone).getTime();
  return (end - start) / HOUR_MS;
}

/** The label of the period of `granularity` that holds calendar date `date`. */
export function periodOf(date: string, granularity: Granularity): string {
  assertCalendarDate(date);
  return granularity === 'month' ? date.slice(0, 7) : isoWeekOf(date);
}

/** The labels of every period of `granularity` that overlaps the calendar dates `from`..`to` (inclusive), in order. */
export function periodsCovering(granularity: Granularity, from: string, to: string): string[] {
  assertCalendarDate(from);
  assertCalendarDate(to);
  if (from > to) {
    throw new ValidationError(`Date range ends before it starts: ${from}..${to}`, { from, to });
  }
  const labels: string[] = [];
  // Stepping a week at a time visits every month and every week; the last step lands on `to` itself.
  for (let day = from; ;) {
    const label = periodOf(day, granularity);
    if (labels[labels.length - 1] !== label) labels.push(label);
    if (day === to) return labels;
    const next = addDays(day, 7);
    day = next > to ? to : next;
  }
}

/** Milliseconds of a calendar date's UTC midnight; `setUTCFullYear` keeps years below 100 as they are. */
function utcDayMs(date: string): number {
  const day = new Date(0);
  day.setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return day.getTime();
}

/**
 * How many periods of `granularity` overlap `from`..`to`: the length of `periodsCovering`, counted without
 * building it, so that a range of thousands of years costs nothing to measure (0 when `to` is before `from`).
 */
export function countPeriodsCovering(granularity: Granularity, from: string, to: string): number {
  assertCalendarDate(from);
  assertCalendarDate(to);
  if (from > to) return 0;
  if (granularity === 'month') {
    const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));
    return monthIndex(to) - monthIndex(from) + 1;
  }
  const monday = (date: string) => {
    const ms = utcDayMs(date);
    return ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY_MS; // Monday = 0
  };
  return Math.round((monday(to) - monday(from)) / (7 * DAY_MS)) + 1;
}
