// Unit tests of local calendar arithmetic: DST day lengths, local day starts, months, ISO weeks.
import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import {
  addDays,
  daysOfIsoWeek,
  daysOfMonth,
  hoursInLocalDay,
  isoWeekOf,
  localDayStart,
  localParts,
  type LocalParts,
} from '../../src/metrics/local-time.ts';

// The zone's own formatter is the independent reference: localParts works from an offset cached per UTC hour.
const formatters = new Map<string, Intl.DateTimeFormat>();

function reference(instant: number, timeZone: string): string {
  if (!formatters.has(timeZone)) {
    formatters.set(
      timeZone,
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
    );
  }
  const parts = Object.fromEntries(
    formatters
      .get(timeZone)!
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

function shown(p: LocalParts): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.date} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

// Four hours from each start, every 61 s and a few milliseconds, so the seconds and milliseconds vary too. The zones
// are ICU's canonical names (Asia/Katmandu, not Kathmandu), which a process can run in.
const WINDOWS = (
  [
    ['Europe/London', '2026-03-29T00:00:00Z'], // spring forward at 01:00 UTC
    ['Europe/London', '2026-10-25T00:00:00Z'], // fall back at 01:00 UTC
    ['America/New_York', '2026-11-01T05:00:00Z'],
    ['Australia/Lord_Howe', '2026-04-04T14:00:00Z'], // a half-hour change
    ['Asia/Katmandu', '2026-01-01T00:00:00Z'], // +05:45
    ['Africa/Monrovia', '1972-01-06T23:00:00Z'], // from -00:44:30 to UTC
    ['Europe/Amsterdam', '1937-06-30T22:00:00Z'], // +00:19:32 to +00:20
  ] as const
).map(([timeZone, from]) => {
  const instants: number[] = [];
  for (let instant = Date.parse(from); instant < Date.parse(from) + 4 * 3_600_000; instant += 61_007) {
    instants.push(instant);
  }
  return { timeZone, instants };
});

describe('local time', () => {
  it('gives the local wall-clock parts of an instant', () => {
    expect(localParts(new Date('2026-07-01T23:30:00Z'), 'Europe/London')).toEqual({
      date: '2026-07-02',
      year: 2026,
      month: 7,
      day: 2,
      hour: 0,
      minute: 30,
      second: 0,
    });
  });

  it('gives the zone formatter’s parts for every instant, across rule changes and odd offsets', () => {
    for (const { timeZone, instants } of WINDOWS) {
      for (const instant of instants) {
        expect(shown(localParts(instant, timeZone)), `${timeZone} ${new Date(instant).toISOString()}`).toBe(
          reference(instant, timeZone),
        );
      }
    }
  });

  it('gives the same parts and day lengths from Date, without a formatter, in the process’s own zone (TZ)', async () => {
    const expected = WINDOWS.map(({ timeZone, instants }) =>
      instants.map((instant) => reference(instant, timeZone)),
    );
    const tz = process.env['TZ'];
    // A fresh module, so that no offset cached by the test above stands in for Date's.
    vi.resetModules();
    const fresh = await import('../../src/metrics/local-time.ts');
    const formatter = vi.spyOn(Intl, 'DateTimeFormat');
    try {
      WINDOWS.forEach(({ timeZone, instants }, window) => {
        process.env['TZ'] = timeZone;
        instants.forEach((instant, index) => {
          expect(
            shown(fresh.localParts(instant, timeZone)),
            `${timeZone} ${new Date(instant).toISOString()}`,
          ).toBe(expected[window]![index]);
        });
      });
      process.env['TZ'] = 'Europe/London';
      expect(fresh.hoursInLocalDay('2026-03-29', 'Europe/London')).toBe(23);
      expect(fresh.hoursInLocalDay('2026-10-25', 'Europe/London')).toBe(25);
      expect(fresh.localDayStart('2026-10-25', 'Europe/London').toISOString()).toBe(
        '2026-10-24T23:00:00.000Z',
      );
      process.env['TZ'] = 'America/Santiago';
      expect(fresh.localDayStart('2026-09-06', 'America/Santiago').toISOString()).toBe(
        '2026-09-06T04:00:00.000Z',
      );
      expect(formatter).not.toHaveBeenCalled();
    } finally {
      formatter.mockRestore();
      if (tz === undefined) delete process.env['TZ'];
      else process.env['TZ'] = tz;
    }
  });

  it('a spring-forward day in London has 23 hours', () => {
    expect(hoursInLocalDay('2026-03-29', 'Europe/London')).toBe(23);
  });

  it('a fall-back day in London has 25 hours', () => {
    expect(hoursInLocalDay('2026-10-25', 'Europe/London')).toBe(25);
  });

  it('an ordinary day has 24 hours, and every UTC day does', () => {
    expect(hoursInLocalDay('2026-03-28', 'Europe/London')).toBe(24);
    expect(hoursInLocalDay('2026-03-29', 'UTC')).toBe(24);
  });

  it('follows other zones’ rules (New York changes on other dates)', () => {
    expect(hoursInLocalDay('2026-03-08', 'America/New_York')).toBe(23);
    expect(hoursInLocalDay('2026-03-29', 'America/New_York')).toBe(24);
  });

  it('starts a local day at local midnight, in summer time too', () => {
    expect(localDayStart('2026-01-15', 'Europe/London').toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(localDayStart('2026-10-25', 'Europe/London').toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(localDayStart('2026-01-15', 'Asia/Kolkata').toISOString()).toBe('2026-01-14T18:30:00.000Z');
  });

  it('starts a day at the end of a DST gap when midnight itself is skipped', () => {
    // Chile springs forward at 00:00 local: 2026-09-06 begins at 01:00 -03, 23 hours long.
    expect(localDayStart('2026-09-06', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(hoursInLocalDay('2026-09-06', 'America/Santiago')).toBe(23);
  });

  it('lists the days of a month, leap February included', () => {
    expect(daysOfMonth('2024-02')).toHaveLength(29);
    expect(daysOfMonth('2026-01')[30]).toBe('2026-01-31');
  });

  it('lists the Monday to Sunday of an ISO week', () => {
    expect(daysOfIsoWeek('2026-W03')).toEqual([
      '2026-01-12',
      '2026-01-13',
      '2026-01-14',
      '2026-01-15',
      '2026-01-16',
      '2026-01-17',
      '2026-01-18',
    ]);
    expect(daysOfIsoWeek('2026-W01')[0]).toBe('2025-12-29');
  });

  it('labels a date with its ISO week-year and week', () => {
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01');
    expect(isoWeekOf('2025-12-29')).toBe('2026-W01');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('rejects an unknown zone, an impossible date and a week that does not exist', () => {
    expect(() => hoursInLocalDay('2026-01-01', 'Mars/Olympus')).toThrow(ValidationError);
    expect(() => hoursInLocalDay('2026-02-30', 'UTC')).toThrow(ValidationError);
    expect(() => daysOfIsoWeek('2025-W53')).toThrow(ValidationError);
    expect(() => daysOfMonth('2026-13')).toThrow(ValidationError);
  });
});
