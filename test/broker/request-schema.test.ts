// What a council may ask for: every field of a new request is checked, with an error that names the field.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PURPOSES } from '../../src/broker/config.ts';
import { createRequestSchema, endOfDateOrInstant } from '../../src/broker/requests/request-schema.ts';
import { consentProgress } from '../../src/broker/requests/request-view.ts';
import { validRequest } from './request-fixtures.ts';

const now = new Date('2026-03-01T12:00:00Z');
const schema = createRequestSchema({ purposes: DEFAULT_PURPOSES, kFloor: 10, now: () => now });

/** The fields the schema complains about. */
function badFields(input: Record<string, unknown>): string[] {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

describe('new request validation', () => {
  it('accepts a request with exactly the fields of the issue, defaulting minCohort to the floor', () => {
    const { minCohort: _omitted, ...input } = validRequest();
    const parsed = schema.parse({ ...input, dp: { epsilon: 1 } });
    expect(parsed.minCohort).toBe(10);
    expect(parsed.dp).toEqual({ epsilon: 1 });
    expect(parsed.split).toBe('none');
  });

  it('fixes the split by dwelling type on the request, and refuses any other split', () => {
    expect(schema.parse({ ...validRequest(), split: 'dwellingType' }).split).toBe('dwellingType');
    expect(badFields({ ...validRequest(), split: 'tenure' })).toEqual(['split']);
  });

  it('refuses wrong types', () => {
    expect(badFields({ ...validRequest(), title: 5, metrics: 'damp.rh70.hours', minCohort: '10' })).toEqual([
      'title',
      'metrics',
      'minCohort',
    ]);
  });

  it('refuses an unknown metric, naming it', () => {
    const result = schema.safeParse({ ...validRequest(), metrics: ['damp.rh70.hours', 'mould.spores'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['metrics', 1],
      message: expect.stringContaining('mould.spores'),
    });
  });

  it('takes a banded metric in a plain request and in a prio3 one, and refuses an additive metric in a prio3 one', () => {
    expect(schema.parse({ ...validRequest(), metrics: ['co2.night.band'] }).metrics).toEqual([
      'co2.night.band',
    ]);
    const leader = createRequestSchema({
      purposes: DEFAULT_PURPOSES,
      kFloor: 10,
      now: () => now,
      privateAggregation: true,
    });
    const banded = leader.parse({
      ...validRequest(),
      metrics: ['co2.night.mean', 'co2.night.band'],
      aggregation: 'prio3',
    });
    expect(banded).toMatchObject({ metrics: ['co2.night.mean', 'co2.night.band'], aggregation: 'prio3' });
    const result = leader.safeParse({
      ...validRequest(),
      metrics: ['co2.night.band', 'energy.kwh.perDay'],
      aggregation: 'prio3',
    });
    expect(result.error?.issues).toMatchObject([
      { path: ['metrics', 1], message: expect.stringContaining('additive') },
    ]);
  });

  it('refuses a purpose outside the allowed list', () => {
    expect(badFields({ ...validRequest(), purpose: 'https://w3id.org/dpv#Marketing' })).toEqual(['purpose']);
  });

  it('refuses minCohort below the server floor', () => {
    expect(badFields({ ...validRequest(), minCohort: 5 })).toEqual(['minCohort']);
  });

  it('refuses a period that ends before it starts', () => {
    expect(badFields({ ...validRequest(), period: { from: '2026-02-01', to: '2026-01-01' } })).toEqual([
      'period.to',
    ]);
  });

  it('refuses a period whose dates are missing or not dates with field errors, and does not throw', () => {
    // The bounds used to count months of any two strings and threw, so the form died before it could speak.
    expect(badFields({ ...validRequest(), period: { from: '', to: '' } })).toEqual([
      'period.from',
      'period.to',
    ]);
    expect(badFields({ ...validRequest(), period: { from: '2026-01-01', to: '2026-02-30' } })).toEqual([
      'period.to',
    ]);
  });

  it('refuses a period that reaches past today, or touches more than 24 calendar months, with the numbers', () => {
    const issues = (period: { from: string; to: string }, maxPeriodMonths?: number) => {
      const bounded = createRequestSchema({
        purposes: DEFAULT_PURPOSES,
        kFloor: 10,
        now: () => now,
        maxPeriodMonths,
      });
      const result = bounded.safeParse({ ...validRequest(), period });
      return result.success ? [] : result.error.issues.map((issue) => [issue.path.join('.'), issue.message]);
    };
    expect(issues({ from: '2024-04-01', to: '2026-03-01' })).toEqual([]);
    expect(issues({ from: '2024-03-31', to: '2026-03-01' })).toEqual([
      ['period.to', 'period spans 25 calendar months; at most 24 (limits.maxPeriodMonths)'],
    ]);
    expect(issues({ from: '2026-01-01', to: '2026-03-02' })).toEqual([
      ['period.to', 'period.to must not be after today (2026-03-01)'],
    ]);
    expect(issues({ from: '2026-01-01', to: '2026-03-01' }, 2)).toEqual([
      ['period.to', 'period spans 3 calendar months; at most 2 (limits.maxPeriodMonths)'],
    ]);
  });

  it('refuses consent asked until a past date, bad area codes, duplicates and unknown fields', () => {
    expect(badFields({ ...validRequest(), consentUntil: '2026-02-28' })).toEqual(['consentUntil']);
    expect(badFields({ ...validRequest(), areas: ['Northbridge'] })).toEqual(['areas.0']);
    expect(badFields({ ...validRequest(), metrics: ['damp.rh70.hours', 'damp.rh70.hours'] })).toEqual([
      'metrics.1',
    ]);
    expect(badFields({ ...validRequest(), homes: ['x'] })).toEqual(['']);
    expect(badFields({ ...validRequest(), dp: { epsilon: 0 } })).toEqual(['dp.epsilon']);
  });

  it('reads a date as the end of that day, and a date-time as itself', () => {
    expect(endOfDateOrInstant('2026-12-31').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(endOfDateOrInstant('2026-12-31T10:00:00+01:00').toISOString()).toBe('2026-12-31T09:00:00.000Z');
  });
});

describe('consent progress', () => {
  it('shows a count only once it reaches k, else "fewer than k"', () => {
    expect(consentProgress(9, 10)).toEqual({ k: 10, atLeastK: false, count: null });
    expect(consentProgress(10, 10)).toEqual({ k: 10, atLeastK: true, count: 10 });
  });

  it('rounds a count above k to 5, so one resident joining or leaving does not show', () => {
    expect(consentProgress(21, 10).count).toBe(20);
    expect(consentProgress(22, 10).count).toBe(20);
    expect(consentProgress(23, 10).count).toBe(25);
  });
});
