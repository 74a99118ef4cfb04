// Unit tests of the differencing check: small cohort differences against earlier releases are refused.
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../src/errors.ts';
import { assertNoDifferencing, findDifferencingConflict } from '../../src/privacy/differencing.ts';

const keys = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `h${from + i}`);

describe('differencing', () => {
  it('refuses a re-run of an area after one home revoked', () => {
    const previous = [{ id: 'rel-1', cell: 'E05000001/temperature.mean/2026-01', homes: keys(0, 20) }];
    expect(findDifferencingConflict(keys(1, 20), previous, 10)).toEqual({
      rule: 'differencing',
      releaseId: 'rel-1',
      cell: 'E05000001/temperature.mean/2026-01',
      difference: 1,
    });
  });

  it('refuses a cohort that one new home joined', () => {
    const previous = [{ id: 'rel-1', cell: 'a', homes: keys(0, 20) }];
    expect(findDifferencingConflict(keys(0, 21), previous, 10)?.difference).toBe(1);
  });

  it('allows a cohort that differs by k homes or more', () => {
    const previous = [{ id: 'rel-1', cell: 'a', homes: keys(0, 20) }];
    expect(findDifferencingConflict(keys(10, 30), previous, 10)).toBeNull();
    expect(findDifferencingConflict(keys(0, 30), previous, 10)).toBeNull();
  });

  it('allows an identical cohort: it gives nothing new', () => {
    const previous = [{ id: 'rel-1', cell: 'a', homes: keys(0, 20) }];
    expect(findDifferencingConflict(keys(0, 20).reverse(), previous, 10)).toBeNull();
  });

  it('refuses an overlapping area that differs by fewer than k homes, whatever its cell', () => {
    const previous = [
      { id: 'ward', cell: 'E05000001', homes: keys(0, 40) },
      { id: 'street', cell: 'E00000123', homes: keys(100, 115) },
    ];
    const neighbourhood = keys(3, 40);
    expect(findDifferencingConflict(neighbourhood, previous, 10)).toMatchObject({
      releaseId: 'ward',
      difference: 3,
    });
  });

  it('uses the floor of 10 when k is smaller', () => {
    const previous = [{ id: 'rel-1', cell: 'a', homes: keys(0, 20) }];
    expect(findDifferencingConflict(keys(0, 25), previous, 3)?.difference).toBe(5);
  });

  it('answers a refusal with a 409 that names the rule and the earlier release', () => {
    const previous = [{ id: 'rel-7', cell: 'a', homes: new Set(keys(0, 12)) }];
    try {
      assertNoDifferencing(keys(0, 11), previous, 10);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConflictError);
      const conflict = error as ConflictError;
      expect(conflict.status).toBe(409);
      expect(conflict.problem).toBe('differencing');
      expect(conflict.context).toEqual({ rule: 'differencing', conflictingRelease: 'rel-7', cell: 'a' });
    }
    expect(() => assertNoDifferencing(keys(0, 12), previous, 10)).not.toThrow();
  });

  it('refuses WebIDs as cohort keys', () => {
    expect(() => findDifferencingConflict(['https://alice.example/profile/card#me'], [], 10)).toThrow(
      ValidationError,
    );
  });
});
