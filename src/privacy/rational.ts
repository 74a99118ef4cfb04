// Exact positive rationals for privacy parameters, so noise is sampled with integer arithmetic only.
import { ValidationError } from '../errors.ts';

/** A positive rational numerator / denominator in lowest terms. */
export interface Rational {
  numerator: bigint;
  denominator: bigint;
}

/** Greatest common divisor of two non-negative integers. */
function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** A reduced rational; throws unless numerator and denominator are positive. */
export function rational(numerator: bigint, denominator: bigint): Rational {
  if (numerator <= 0n || denominator <= 0n) {
    throw new ValidationError('A privacy parameter must be a positive rational', {
      numerator: String(numerator),
      denominator: String(denominator),
    });
  }
  const divisor = gcd(numerator, denominator);
  return { numerator: numerator / divisor, denominator: denominator / divisor };
}

/**
 * The exact rational of a positive number as written in decimal: 0.1 becomes 1/10, not the binary double nearest
 * to it. JavaScript prints the shortest decimal that reads back as the same double, so that is the value meant.
 */
export function toRational(value: number | Rational): Rational {
  if (typeof value !== 'number') return rational(value.numerator, value.denominator);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ValidationError('A privacy parameter must be a positive finite number', { value });
  }
  const [mantissa = '', exponentText = '0'] = String(value).toLowerCase().split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  const exponent = Number(exponentText) - fraction.length;
  const digits = BigInt(whole + fraction);
  return exponent >= 0
    ? rational(digits * 10n ** BigInt(exponent), 1n)
    : rational(digits, 10n ** BigInt(-exponent));
}

/** The rational divided by a positive integer. */
export function divide(value: Rational, by: bigint): Rational {
  return rational(value.numerator, value.denominator * by);
}
