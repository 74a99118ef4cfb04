// Unit tests of exact rationals for epsilon.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { divide, toRational } from '../../src/privacy/rational.ts';

describe('rationals', () => {
  it('reads a decimal epsilon as the decimal it is written as', () => {
    expect(toRational(0.1)).toEqual({ numerator: 1n, denominator: 10n });
    expect(toRational(2.5)).toEqual({ numerator: 5n, denominator: 2n });
    expect(toRational(3)).toEqual({ numerator: 3n, denominator: 1n });
    expect(toRational(1e-7)).toEqual({ numerator: 1n, denominator: 10_000_000n });
    expect(toRational(1.5e21)).toEqual({ numerator: 1_500_000_000_000_000_000_000n, denominator: 1n });
  });

  it('reduces and divides exactly', () => {
    expect(toRational({ numerator: 6n, denominator: 4n })).toEqual({ numerator: 3n, denominator: 2n });
    expect(divide(toRational(0.5), 2n)).toEqual({ numerator: 1n, denominator: 4n });
  });

  it('refuses an epsilon that is not positive and finite', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => toRational(bad)).toThrow(ValidationError);
  });
});
