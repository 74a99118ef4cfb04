// Unit tests of the banded release both modes share: nothing below k, small bands withheld with their complement.
import { describe, expect, it } from 'vitest';
import { releaseBands, type BandsRelease } from '../../src/privacy/index.ts';

const LABELS = ['below 800 ppm', '800–1000 ppm', '1000–1500 ppm', 'above 1500 ppm'];

/** The homes the withheld bands hold together: what the count minus the released bands would tell an analyst. */
function withheldHomes(counts: readonly number[], release: BandsRelease): number {
  if (release.suppressed) return Number.NaN;
  return counts.reduce((sum, count, index) => sum + (release.bands[index]!.homes === null ? count : 0), 0);
}

describe('releaseBands', () => {
  it('releases every band of a cohort whose bands all reach k, rounded to 5', () => {
    expect(releaseBands({ labels: LABELS, counts: [12, 11, 14, 18], homes: 55, k: 10 })).toEqual({
      suppressed: false,
      homes: 55,
      bands: [
        { label: 'below 800 ppm', homes: 10 },
        { label: '800–1000 ppm', homes: 10 },
        { label: '1000–1500 ppm', homes: 15 },
        { label: 'above 1500 ppm', homes: 20 },
      ],
    });
  });

  it('releases nothing below max(k, floor) homes', () => {
    expect(releaseBands({ labels: LABELS, counts: [4, 4, 0, 0], homes: 8, k: 5 })).toEqual({
      suppressed: true,
      reason: 'below-k',
      homes: null,
      bands: null,
    });
    expect(
      releaseBands({ labels: LABELS, counts: [6, 6, 0, 0], homes: 12, k: 15, floor: 10 }).suppressed,
    ).toBe(true);
  });

  it('withholds a band below k and the next smallest, so the count minus the others does not give it away', () => {
    const counts = [12, 11, 5, 12];
    const release = releaseBands({ labels: LABELS, counts, homes: 40, k: 10 });
    expect(release.bands?.map((band) => band.homes)).toEqual([10, null, null, 10]);
    expect(withheldHomes(counts, release)).toBeGreaterThanOrEqual(10);
  });

  it('an analyst subtracting the released bands from the count never finds a group of 1 … k−1 homes', () => {
    // Two small bands together below k: withholding only them would let the count minus the rest give 3 + 4 homes.
    const cases: number[][] = [
      [30, 30, 3, 4],
      [40, 0, 0, 1],
      [9, 9, 9, 30],
      [3, 25, 2, 25],
      [0, 0, 0, 12],
    ];
    for (const counts of cases) {
      const homes = counts.reduce((sum, count) => sum + count, 0);
      const release = releaseBands({ labels: LABELS, counts, homes, k: 10 });
      expect(release.suppressed).toBe(false);
      const withheld = withheldHomes(counts, release);
      if (withheld > 0) expect(withheld, JSON.stringify({ counts, release })).toBeGreaterThanOrEqual(10);
    }
    expect(
      releaseBands({ labels: LABELS, counts: [30, 30, 3, 4], homes: 67, k: 10 }).bands?.map(
        (band) => band.homes,
      ),
    ).toEqual([null, 30, null, null]);
  });

  it('withholds a band pushed below zero by DP noise, with its complement', () => {
    const release = releaseBands({
      labels: ['low', 'mid', 'high'],
      counts: [-3, 40, 35],
      homes: 72,
      k: 1,
      floor: 1,
    });
    expect(release.bands?.map((band) => band.homes)).toEqual([null, 40, null]);
  });

  it('refuses counts that do not match the bands', () => {
    expect(() => releaseBands({ labels: LABELS, counts: [1, 2], homes: 30, k: 10 })).toThrow(
      /one count per band/,
    );
  });
});
