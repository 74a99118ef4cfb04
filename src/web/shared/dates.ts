// Dates and times as people in the UK read them; dates without a time are calendar dates, not instants.

const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const DAY_MS = 24 * 60 * 60 * 1000;

/** `2026-01-31` → "31 January 2026". */
export function formatDate(date: string): string {
  return LONG_DATE.format(new Date(`${date.slice(0, 10)}T00:00:00Z`));
}

/** An instant in the reader's own time zone: "31 January 2026, 14:05". */
export function formatDateTime(instant: string | Date, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(typeof instant === 'string' ? new Date(instant) : instant);
}

/**
 * The last day an instant-valued deadline still covers. The broker stores "until 31 December" as the first
 * instant of 1 January (UTC), so an exact UTC midnight reads as the end of the day before.
 */
export function formatUntil(instant: string): string {
  const time = new Date(instant);
  if (time.getTime() % DAY_MS === 0)
    return `the end of ${LONG_DATE.format(new Date(time.getTime() - DAY_MS))}`;
  return formatDateTime(time, 'UTC') + ' (UTC)';
}

/** A period of calendar dates: "1 January 2026 to 31 January 2026". */
export function formatPeriod(period: { from: string; to: string }): string {
  return `${formatDate(period.from)} to ${formatDate(period.to)}`;
}
