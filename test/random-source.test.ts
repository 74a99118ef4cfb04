// Unit tests of random sources: seeded determinism and 32-bit range.
import { describe, expect, it } from 'vitest';
import { cryptoRandomSource, seededRandomSource, uniform } from '../src/random-source.ts';

const draw = (source: { uint32(): number }, n: number) => Array.from({ length: n }, () => source.uint32());

describe('random sources', () => {
  it('a seeded source repeats its sequence for the same seed and differs for another', () => {
    expect(draw(seededRandomSource(42), 8)).toEqual(draw(seededRandomSource(42), 8));
    expect(draw(seededRandomSource(42), 8)).not.toEqual(draw(seededRandomSource(43), 8));
  });

  it('gives unsigned 32-bit integers spread over the whole range', () => {
    for (const source of [seededRandomSource(1), cryptoRandomSource()]) {
      const words = draw(source, 20_000);
      expect(words.every((word) => Number.isInteger(word) && word >= 0 && word <= 0xffff_ffff)).toBe(true);
      const mean = words.reduce((sum, word) => sum + word, 0) / words.length;
      expect(Math.abs(mean / 2 ** 32 - 0.5)).toBeLessThan(0.01);
      expect(words.filter((word) => word >= 2 ** 31).length / words.length).toBeCloseTo(0.5, 1);
    }
  });

  it('maps words onto [0, 1) for jitter and fixtures, never reaching 1', () => {
    expect(uniform({ uint32: () => 0 })).toBe(0);
    expect(uniform({ uint32: () => 2 ** 31 })).toBe(0.5);
    expect(uniform({ uint32: () => 0xffff_ffff })).toBeLessThan(1);
  });

  it('refills the crypto source past its buffer', () => {
    expect(new Set(draw(cryptoRandomSource(), 5000)).size).toBeGreaterThan(4990);
  });
});
