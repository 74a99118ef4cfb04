// Exact discrete Laplace noise: integer arithmetic on uniform 32-bit words, after Canonne, Kamath & Steinke (2020).
import { ValidationError } from '../errors.ts';
import type { RandomSource } from '../random-source.ts';
import { toRational, type Rational } from './rational.ts';

const TWO_TO_32 = 0x1_0000_0000;

/** A uniform integer in 0 … bound − 1 (bound ≥ 1), by rejection so that no value is favoured. */
export function uniformBelow(bound: bigint, random: RandomSource): bigint {
  if (bound <= BigInt(TWO_TO_32)) {
    const n = Number(bound);
    // Accept only below the largest multiple of n that fits in 32 bits; the remainder would bias small values.
    const limit = TWO_TO_32 - (TWO_TO_32 % n);
    for (;;) {
      const word = random.uint32();
      if (word < limit) return BigInt(word % n);
    }
  }
  const bits = bound.toString(2).length;
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    let candidate = 0n;
    for (let drawn = 0; drawn < bits; drawn += 32) candidate = (candidate << 32n) | BigInt(random.uint32());
    candidate &= mask;
    if (candidate < bound) return candidate;
  }
}

/** Bernoulli(numerator / denominator) for 0 ≤ numerator ≤ denominator. */
function bernoulli(numerator: bigint, denominator: bigint, random: RandomSource): boolean {
  return uniformBelow(denominator, random) < numerator;
}

/**
 * Bernoulli(exp(−γ)) for γ = numerator / denominator ≥ 0 (CKS 2020, Algorithm 1). For γ ≤ 1 the number K of
 * successive successes of Bernoulli(γ/k), k = 1, 2, …, is odd with probability exactly exp(−γ); a larger γ is
 * split into ⌊γ⌋ factors of exp(−1) and the rest.
 */
function bernoulliExpMinus(numerator: bigint, denominator: bigint, random: RandomSource): boolean {
  let rest = numerator;
  while (rest > denominator) {
    if (!bernoulliExpMinus(denominator, denominator, random)) return false;
    rest -= denominator;
  }
  let k = 1n;
  while (bernoulli(rest, denominator * k, random)) k++;
  return k % 2n === 1n;
}

/**
 * One draw of discrete Laplace (two-sided geometric) noise: P[y] ∝ exp(−ε·|y| / Δ) over the integers, with
 * variance 2e^(−ε/Δ) / (1 − e^(−ε/Δ))². ε is taken as an exact rational (a decimal number means its decimal value),
 * Δ = `sensitivity` a positive integer. Sampled exactly by CKS 2020, Algorithm 2: no floating point touches the
 * distribution. Source: C. Canonne, G. Kamath, T. Steinke, "The Discrete Gaussian for Differential Privacy",
 * NeurIPS 2020, arXiv:2004.00010.
 */
export function sampleDiscreteLaplace(
  random: RandomSource,
  epsilon: number | Rational,
  sensitivity = 1,
): number {
  if (!Number.isSafeInteger(sensitivity) || sensitivity < 1) {
    throw new ValidationError('Sensitivity must be a positive integer', { sensitivity });
  }
  // Scale t/s with s/t = ε/Δ.
  const { numerator, denominator } = toRational(epsilon);
  const s = numerator;
  const t = denominator * BigInt(sensitivity);
  for (;;) {
    const u = uniformBelow(t, random);
    if (!bernoulliExpMinus(u, t, random)) continue;
    let v = 0n;
    while (bernoulliExpMinus(1n, 1n, random)) v++;
    const magnitude = (u + t * v) / s;
    const negative = bernoulli(1n, 2n, random);
    // Zero could come out with either sign; rejecting one of them gives it its right weight.
    if (negative && magnitude === 0n) continue;
    return Number(negative ? -magnitude : magnitude);
  }
}
