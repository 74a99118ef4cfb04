// Secondary suppression: no new cell may, with earlier releases, give a figure for 1 … k−1 homes.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import {
  findDisclosureConflict,
  intervalsOverlap,
  type DateInterval,
  type HomeDataVersions,
  type ReleasedSet,
} from '../../src/privacy/secondary-suppression.ts';

const JANUARY: DateInterval = { from: '2026-01-01', to: '2026-01-31' };
const K = 10;

/** Homes `h<from>` … `h<to−1>`. */
function homes(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, index) => `h${from + index}`);
}

/** A released set over `keys`, every home at version `v1` in each month unless `versions` says otherwise. */
function cell(
  run: string,
  keys: readonly string[],
  options: { interval?: DateInterval; metric?: string; versions?: Record<string, HomeDataVersions> } = {},
): ReleasedSet {
  const interval = options.interval ?? JANUARY;
  const months = [interval.from.slice(0, 7), interval.to.slice(0, 7)];
  const standard = Object.fromEntries(months.map((month) => [month, 'v1']));
  return {
    release: { run, request: `request-of-${run}` },
    metric: options.metric ?? 'temperature.mean',
    interval,
    homes: new Map(keys.map((key) => [key, options.versions?.[key] ?? standard])),
  };
}

describe('secondary suppression', () => {
  it('finds a cohort one home smaller than an earlier release (differencing), naming that release', () => {
    const earlier = cell('r1', homes(0, 12));
    expect(findDisclosureConflict(cell('r2', homes(0, 11)), [earlier], K)).toEqual({
      rule: 'differencing',
      release: { run: 'r1', request: 'request-of-r1' },
    });
  });

  it('finds a swap of a few homes, though the symmetric difference reaches k', () => {
    // 5 out, 5 in: new − old = (5 homes) − (5 other homes).
    const earlier = cell('r1', homes(0, 20));
    expect(findDisclosureConflict(cell('r2', homes(5, 25)), [earlier], K)?.rule).toBe('differencing');
  });

  it('allows an identical cohort with identical data, one grown by k, and disjoint or other-metric cells', () => {
    const earlier = cell('r1', homes(0, 12));
    for (const candidate of [
      cell('r2', homes(0, 12)),
      cell('r2', homes(0, 22)),
      cell('r2', homes(100, 111)),
      cell('r2', homes(0, 11), { metric: 'cold.below18.hours' }),
    ]) {
      expect(findDisclosureConflict(candidate, [earlier], K)).toBeNull();
    }
  });

  it('treats a home whose data changed as a different home: the same cohort is no longer exempt', () => {
    const earlier = cell('r1', homes(0, 12));
    const changed = cell('r2', homes(0, 12), { versions: { h3: { '2026-01': 'v2' } } });
    expect(findDisclosureConflict(changed, [earlier], K)?.rule).toBe('differencing');
  });

  it('ignores a change outside the days both cells cover, and unknown versions of old releases', () => {
    const week5 = { from: '2026-01-26', to: '2026-02-01' };
    const earlier = cell('r1', homes(0, 12), { interval: week5 });
    // h3 changed in February only, and the January cell does not reach February.
    const later = cell('r2', homes(0, 12), { versions: { h3: { '2026-01': 'v1', '2026-02': 'v2' } } });
    expect(findDisclosureConflict(later, [earlier], K)).toBeNull();
    const legacy = cell('r1', homes(0, 12), { versions: { h3: null } });
    expect(findDisclosureConflict(cell('r2', homes(0, 12)), [legacy], K)).toBeNull();
  });

  it('compares cells by their days, not their labels: overlapping ranges meet, separate ones do not', () => {
    const earlier = cell('r1', homes(0, 12), { interval: { from: '2026-01-15', to: '2026-02-14' } });
    expect(findDisclosureConflict(cell('r2', homes(0, 11)), [earlier], K)?.rule).toBe('differencing');
    const march = { from: '2026-03-01', to: '2026-03-31' };
    expect(findDisclosureConflict(cell('r2', homes(0, 11), { interval: march }), [earlier], K)).toBeNull();
    expect(intervalsOverlap(JANUARY, { from: '2026-01-31', to: '2026-02-06' })).toBe(true);
    expect(intervalsOverlap(JANUARY, { from: '2026-02-01', to: '2026-02-06' })).toBe(false);
  });

  it('finds the suppressed group left over when the parts follow the whole (21 homes: 10 + 10 + 1)', () => {
    const whole = cell('unsplit', homes(0, 21));
    const detached = cell('split', homes(0, 10));
    const flat = cell('split', homes(10, 20));
    expect(findDisclosureConflict(detached, [whole], K)).toBeNull();
    expect(findDisclosureConflict(flat, [whole, detached], K)).toEqual({
      rule: 'complementary',
      release: whole.release,
    });
  });

  it('finds the group though the whole was released twice (a repeat is no part that covers it)', () => {
    const wholes = [cell('unsplit', homes(0, 21)), cell('rerun', homes(0, 21))];
    const detached = cell('split', homes(0, 10));
    expect(findDisclosureConflict(cell('split', homes(10, 20)), [...wholes, detached], K)?.rule).toBe(
      'complementary',
    );
  });

  it('finds the same group when the whole follows its parts', () => {
    const parts = [cell('split', homes(0, 10)), cell('split', homes(10, 20))];
    expect(findDisclosureConflict(cell('unsplit', homes(0, 21)), parts, K)?.rule).toBe('complementary');
  });

  it('allows a whole whose unreleased remainder has k homes or more', () => {
    const parts = [cell('split', homes(0, 10)), cell('split', homes(10, 20))];
    expect(findDisclosureConflict(cell('unsplit', homes(0, 30)), parts, K)).toBeNull();
  });

  it('finds two parts of one whole that share a few homes (part + part − whole)', () => {
    const whole = cell('w', homes(0, 30));
    const first = cell('p1', homes(0, 17));
    const second = cell('p2', homes(13, 30));
    expect(findDisclosureConflict(second, [whole, first], K)).toEqual({
      rule: 'complementary',
      release: first.release,
    });
  });

  it('finds a month against its weeks when one home drops out of a week', () => {
    const month = cell('month', homes(0, 21));
    const week = cell('week', homes(0, 20), { interval: { from: '2026-01-05', to: '2026-01-11' } });
    expect(findDisclosureConflict(week, [month], K)?.rule).toBe('differencing');
  });

  it('refuses keys that are WebIDs or URLs', () => {
    expect(() => findDisclosureConflict(cell('r', ['https://alice.example/profile/card#me']), [], K)).toThrow(
      ValidationError,
    );
  });
});
