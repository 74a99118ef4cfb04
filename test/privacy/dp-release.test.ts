// Unit tests of DP cell releases and the privacy budget.
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/errors.ts';
import { releaseCellDp, spendBudget } from '../../src/privacy/dp-release.ts';
import { seededRandomSource } from '../../src/random-source.ts';

const TEMPERATURE = { lower: 0, upper: 35, scale: 10 };

describe('DP release', () => {
  it('with a large epsilon releases nearly the true mean and a count rounded to 5', () => {
    const values = Array.from({ length: 40 }, (_, i) => 15 + (i % 10));
    const release = releaseCellDp({
      values,
      bounds: TEMPERATURE,
      epsilon: 50,
      k: 10,
      random: seededRandomSource(1),
    });
    expect(release.suppressed).toBe(false);
    expect(release.homes).toBe(40);
    expect(release.mean).toBeCloseTo(19.5, 0);
    expect(release.median).toBeNull();
  });

  it('clamps a home beyond the bounds before it counts', () => {
    const values = [...Array.from({ length: 19 }, () => 20), 10_000];
    const release = releaseCellDp({
      values,
      bounds: TEMPERATURE,
      epsilon: 50,
      k: 10,
      random: seededRandomSource(2),
    });
    expect(release.mean).toBeCloseTo((19 * 20 + 35) / 20, 0);
  });

  it('refuses a cohort below k whatever the noise says', () => {
    for (let seed = 0; seed < 50; seed++) {
      const release = releaseCellDp({
        values: Array.from({ length: 9 }, () => 20),
        bounds: TEMPERATURE,
        epsilon: 0.1,
        k: 10,
        random: seededRandomSource(seed),
      });
      expect(release).toMatchObject({ suppressed: true, reason: 'below-k', homes: null, mean: null });
    }
  });

  it('suppresses on the noisy count: a cohort just at k is sometimes withheld at small epsilon', () => {
    const outcomes = new Set<boolean>();
    for (let seed = 0; seed < 50; seed++) {
      const release = releaseCellDp({
        values: Array.from({ length: 10 }, () => 20),
        bounds: TEMPERATURE,
        epsilon: 0.5,
        k: 10,
        random: seededRandomSource(seed),
      });
      outcomes.add(release.suppressed);
      if (!release.suppressed) expect(release.homes % 5).toBe(0);
    }
    expect(outcomes).toEqual(new Set([true, false]));
  });

  it('gives a mean whose error shrinks with the cohort: within 1 °C over 200 homes at ε = 1', () => {
    const values = Array.from({ length: 200 }, (_, i) => 16 + (i % 9));
    const truth = values.reduce((sum, value) => sum + value, 0) / values.length;
    for (let seed = 0; seed < 20; seed++) {
      const release = releaseCellDp({
        values,
        bounds: TEMPERATURE,
        epsilon: 1,
        k: 10,
        random: seededRandomSource(seed),
      });
      expect(Math.abs((release.mean ?? Number.NaN) - truth)).toBeLessThan(1);
    }
  });
});

describe('privacy budget', () => {
  it('adds each release to what is spent', () => {
    const once = spendBudget({ total: 1, spent: 0 }, 0.5);
    expect(spendBudget(once, 0.5)).toEqual({ total: 1, spent: 1 });
  });

  it('refuses a release once the budget is spent, with a 409 dp-budget-spent', () => {
    try {
      spendBudget({ total: 1, spent: 0.75 }, 0.5);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).problem).toBe('dp-budget-spent');
      expect((error as ConflictError).status).toBe(409);
    }
  });

  it('does not lose a release to floating-point sums (0.1 + 0.2 fits 0.3)', () => {
    expect(spendBudget(spendBudget({ total: 0.3, spent: 0 }, 0.1), 0.2).spent).toBeCloseTo(0.3, 12);
  });
});
