// Unit tests of exact discrete Laplace sampling: moments, the mass at zero, sensitivity and uniform integers.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { sampleDiscreteLaplace, uniformBelow } from '../../src/privacy/discrete-laplace.ts';
import { seededRandomSource } from '../../src/random-source.ts';

const SAMPLES = 100_000;

function moments(epsilon: number, sensitivity = 1, seed = 7) {
  const random = seededRandomSource(seed);
  let sum = 0;
  let sumSquares = 0;
  let zeros = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const y = sampleDiscreteLaplace(random, epsilon, sensitivity);
    sum += y;
    sumSquares += y * y;
    if (y === 0) zeros++;
  }
  const mean = sum / SAMPLES;
  return { mean, variance: sumSquares / SAMPLES - mean * mean, zeroShare: zeros / SAMPLES };
}

/** Variance of discrete Laplace with P[y] ∝ exp(−a·|y|): 2e^(−a) / (1 − e^(−a))². */
const expectedVariance = (a: number) => (2 * Math.exp(-a)) / (1 - Math.exp(-a)) ** 2;

describe('discrete Laplace', () => {
  it('has mean about 0 and variance 2e^(−ε)/(1−e^(−ε))² at ε = 1', () => {
    const { mean, variance, zeroShare } = moments(1);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(variance / expectedVariance(1)).toBeGreaterThan(0.97);
    expect(variance / expectedVariance(1)).toBeLessThan(1.03);
    // P[0] = (1 − e^(−ε)) / (1 + e^(−ε)) = 0.4621
    expect(zeroShare).toBeCloseTo((1 - Math.exp(-1)) / (1 + Math.exp(-1)), 2);
  });

  it('matches the variance at ε = 0.5 (wider noise)', () => {
    const { mean, variance } = moments(0.5, 1, 11);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(variance / expectedVariance(0.5)).toBeGreaterThan(0.96);
    expect(variance / expectedVariance(0.5)).toBeLessThan(1.04);
  });

  it('divides epsilon by the sensitivity: ε = 1 with Δ = 4 is as wide as ε = 0.25', () => {
    const { variance } = moments(1, 4, 13);
    expect(variance / expectedVariance(0.25)).toBeGreaterThan(0.95);
    expect(variance / expectedVariance(0.25)).toBeLessThan(1.05);
  });

  it('gives the same draws for the same seed', () => {
    const a = seededRandomSource(5);
    const b = seededRandomSource(5);
    const draws = (random: typeof a) =>
      Array.from({ length: 50 }, () => sampleDiscreteLaplace(random, 0.3, 3));
    expect(draws(a)).toEqual(draws(b));
  });

  it('refuses a sensitivity that is not a positive integer', () => {
    expect(() => sampleDiscreteLaplace(seededRandomSource(1), 1, 0.5)).toThrow(ValidationError);
  });
});

describe('uniform integers', () => {
  it('draws each of 0, 1, 2 about a third of the time', () => {
    const random = seededRandomSource(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[Number(uniformBelow(3n, random))]! += 1;
    for (const count of counts) expect(count / 30_000).toBeCloseTo(1 / 3, 2);
  });

  it('draws below bounds wider than 32 bits', () => {
    const random = seededRandomSource(4);
    const bound = 3n * 2n ** 40n + 1n;
    let high = 0;
    for (let i = 0; i < 2000; i++) {
      const value = uniformBelow(bound, random);
      expect(value >= 0n && value < bound).toBe(true);
      if (value >= bound / 2n) high++;
    }
    expect(high / 2000).toBeCloseTo(0.5, 1);
  });
});
