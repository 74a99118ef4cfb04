// Unit tests of reporting periods: labels, their hours on DST months and the labels covering a date range.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import {
  countPeriodsCovering,
  parsePeriod,
  periodHours,
  periodOf,
  periodsCovering,
} from '../../src/metrics/period.ts';

describe('periods', () => {
  it('a month with a 23-hour day has one hour less', () => {
    expect(periodHours({ granularity: 'month', label: '2026-03' }, 'Europe/London')).toBe(31 * 24 - 1);
  });

  it('a month with a 25-hour day has one hour more', () => {
    expect(periodHours({ granularity: 'month', label: '2026-10' }, 'Europe/London')).toBe(31 * 24 + 1);
  });

  it('a week holding the spring change has 167 hours', () => {
    expect(periodHours({ granularity: 'week', label: '2026-W13' }, 'Europe/London')).toBe(167);
  });

  it('infers the granularity from the label', () => {
    expect(parsePeriod('2026-01')).toEqual({ granularity: 'month', label: '2026-01' });
    expect(parsePeriod('2026-W03')).toEqual({ granularity: 'week', label: '2026-W03' });
    expect(() => parsePeriod('2026-1')).toThrow(ValidationError);
  });

  it('names the period of a date', () => {
    expect(periodOf('2026-01-12', 'month')).toBe('2026-01');
    expect(periodOf('2026-01-12', 'week')).toBe('2026-W03');
  });

  it('lists every week that overlaps a date range, across a year end', () => {
    expect(periodsCovering('week', '2025-12-25', '2026-01-12')).toEqual([
      '2025-W52',
      '2026-W01',
      '2026-W02',
      '2026-W03',
    ]);
  });

  it('lists every month that overlaps a date range, the partial ones included', () => {
    expect(periodsCovering('month', '2025-11-30', '2026-03-01')).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
    expect(periodsCovering('month', '2026-02-10', '2026-02-10')).toEqual(['2026-02']);
  });

  it('refuses a range that ends before it starts', () => {
    expect(() => periodsCovering('month', '2026-02-10', '2026-02-09')).toThrow(ValidationError);
  });

  it('counts the periods covering a range as many as it lists, without listing them', () => {
    const ranges: [string, string][] = [
      ['2025-12-25', '2026-01-12'],
      ['2025-11-30', '2026-03-01'],
      ['2026-02-10', '2026-02-10'],
      ['2024-12-30', '2026-12-31'],
      ['2020-01-01', '2021-12-31'],
      ['2026-03-01', '2026-03-01'],
    ];
    for (const [from, to] of ranges) {
      for (const granularity of ['month', 'week'] as const) {
        expect(countPeriodsCovering(granularity, from, to)).toBe(
          periodsCovering(granularity, from, to).length,
        );
      }
    }
    expect(countPeriodsCovering('month', '2026-02-10', '2026-02-09')).toBe(0);
    // The review's request: every week of 9,000 years, measured at once.
    expect(countPeriodsCovering('month', '1000-01-01', '9999-12-31')).toBe(108_000);
    expect(countPeriodsCovering('week', '1000-01-01', '9999-12-31')).toBe(469_598);
  });
});
