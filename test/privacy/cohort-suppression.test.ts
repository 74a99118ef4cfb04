// Unit tests of cell suppression: the k floor, ONS rounding to 5 and the dominance rule.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { releaseCell, roundToNearest5 } from '../../src/privacy/cohort-suppression.ts';

const homes = (n: number, value = 1) => Array.from({ length: n }, () => value);

describe('cohort suppression', () => {
  it('refuses a cohort below k', () => {
    expect(releaseCell({ values: homes(19), k: 20, additive: false })).toEqual({
      suppressed: true,
      reason: 'below-k',
      homes: null,
      mean: null,
      median: null,
    });
  });

  it('never releases fewer than 10 homes, even when k is smaller', () => {
    expect(releaseCell({ values: homes(9), k: 3, additive: false })).toMatchObject({
      suppressed: true,
      reason: 'below-k',
    });
    expect(releaseCell({ values: homes(10), k: 3, additive: false })).toMatchObject({
      suppressed: false,
      homes: 10,
    });
  });

  it('rounds the released count to the nearest 5 and keeps statistics over the unrounded cohort', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100];
    expect(releaseCell({ values, k: 10, additive: false })).toEqual({
      suppressed: false,
      homes: 10,
      mean: 166 / 12,
      median: null,
    });
  });

  it('rounds counts to the nearest multiple of 5', () => {
    expect([10, 12, 13, 17, 18, 22, 23].map(roundToNearest5)).toEqual([10, 10, 15, 15, 20, 20, 25]);
  });

  it("releases no median without DP: the middle value of an odd cohort is one home's value", () => {
    expect(
      releaseCell({ values: [5, 1, 4, 2, 3, 9, 8, 7, 6, 10, 11], k: 10, additive: false }).median,
    ).toBeNull();
  });

  it('suppresses an additive cell where one home is more than half the total', () => {
    const values = [...homes(10, 1), 10.5];
    expect(releaseCell({ values, k: 10, additive: true })).toMatchObject({
      suppressed: true,
      reason: 'dominance',
    });
  });

  it('releases an additive cell where the largest home is exactly half the total', () => {
    const values = [...homes(10, 1), 10];
    expect(releaseCell({ values, k: 10, additive: true })).toMatchObject({ suppressed: false, homes: 10 });
  });

  it('does not apply dominance to a metric that does not add up', () => {
    const values = [...homes(10, 1), 1000];
    expect(releaseCell({ values, k: 10, additive: false }).suppressed).toBe(false);
  });

  it('refuses values that are not numbers and k that is not a positive integer', () => {
    expect(() => releaseCell({ values: [...homes(10), Number.NaN], k: 10, additive: false })).toThrow(
      ValidationError,
    );
    expect(() => releaseCell({ values: homes(10), k: 0, additive: false })).toThrow(ValidationError);
  });
});
