// A random source that always draws the same point of [0, 1): fixes jitter in tests of retry timing.
import type { RandomSource } from '../../src/privacy/index.ts';

/** A source whose every draw is `fraction` of the way through [0, 1) (to 32-bit resolution). */
export function fixedDraw(fraction: number): RandomSource {
  const word = Math.floor(fraction * 0x1_0000_0000);
  return { uint32: () => word };
}
