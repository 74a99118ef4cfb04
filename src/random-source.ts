// Sources of uniform 32-bit integers: a CSPRNG for production, a seeded xoshiro128** for reproducible tests.
import { randomFillSync } from 'node:crypto';

/** Uniform random unsigned 32-bit integers; the only randomness disclosure control uses. */
export interface RandomSource {
  /** A uniform integer in 0 … 2³² − 1. */
  uint32(): number;
}

/**
 * A uniform number in [0, 1) with 32 bits of resolution, for what needs no exact sampling: retry jitter, fixtures.
 */
export function uniform(source: RandomSource): number {
  return source.uint32() / 0x1_0000_0000;
}

const BUFFERED_WORDS = 1024;

/** A cryptographically secure source backed by node:crypto, drawing 4 KiB from the kernel at a time. */
export function cryptoRandomSource(): RandomSource {
  const words = new Uint32Array(BUFFERED_WORDS);
  let next = BUFFERED_WORDS;
  return {
    uint32() {
      if (next === BUFFERED_WORDS) {
        randomFillSync(words);
        next = 0;
      }
      return words[next++]!;
    },
  };
}

/**
 * A deterministic source for tests: xoshiro128** 1.1 (Blackman & Vigna, 2018), its 128-bit state filled from the
 * seed by SplitMix32. Not for production: its output is predictable from a few values.
 */
export function seededRandomSource(seed: number): RandomSource {
  let mix = seed >>> 0;
  const splitMix32 = (): number => {
    mix = (mix + 0x9e3779b9) >>> 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let s0 = splitMix32();
  let s1 = splitMix32();
  let s2 = splitMix32();
  let s3 = splitMix32();
  // SplitMix32 is a bijection of its counter, so four consecutive outputs are never all zero (xoshiro's one bad state).
  return {
    uint32() {
      const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotateLeft(s3, 11);
      return result;
    },
  };
}

/** 32-bit left rotation. */
function rotateLeft(x: number, bits: number): number {
  return (x << bits) | (x >>> (32 - bits));
}
