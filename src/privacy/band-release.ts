// Disclosure control for a banded cell: homes per band, small bands withheld with their complement, counts rounded to 5.
import { ValidationError } from '../errors.ts';
import { minimumCohort, roundToNearest5, suppressedCell, type CellRelease } from './cohort-suppression.ts';
import { sampleDiscreteLaplace } from './discrete-laplace.ts';
import type { RandomSource } from '../random-source.ts';
import type { Rational } from './rational.ts';

/**
 * L1 sensitivity of a vector of band counts: one home's value replaced by another moves it from one band to
 * another, one count down and one up. (A home joining or leaving moves one count by one: Dwork & Roth, "The
 * Algorithmic Foundations of Differential Privacy", 2014, §3.3; 2 covers both.)
 */
export const BAND_COUNTS_SENSITIVITY = 2;

/** Band counts under ε-DP: discrete Laplace noise of sensitivity BAND_COUNTS_SENSITIVITY on every band. */
export function noisyBandCounts(
  counts: readonly number[],
  epsilon: number | Rational,
  random: RandomSource,
): number[] {
  return counts.map((count) => count + sampleDiscreteLaplace(random, epsilon, BAND_COUNTS_SENSITIVITY));
}

/** One band of a released banded cell: its label and its home count rounded to 5, or null where withheld. */
export interface ReleasedBand {
  label: string;
  homes: number | null;
}

/** A released banded cell: the cohort's home count rounded to 5 and its bands, or nothing below max(k, floor). */
export type BandsRelease =
  | { suppressed: true; reason: 'below-k'; homes: null; bands: null }
  | { suppressed: false; homes: number; bands: ReleasedBand[] };

/** The input of releaseBands: the cohort's size and how many of its homes fell in each band (noisy under DP). */
export interface BandsInput {
  /** One label per band, in band order. */
  labels: readonly string[];
  /** Homes per band, in band order; under DP the aggregators' noisy counts. */
  counts: readonly number[];
  /** The homes in the cohort (exact): nothing is released below max(k, floor). */
  homes: number;
  k: number;
  floor?: number;
}

/**
 * The release of a banded cell, in both modes (plain: counts of the per-home bands; prio3: the collected
 * histogram). Nothing below max(k, floor) homes. Each band below k is withheld (null), and while the withheld bands
 * hold fewer than k homes together, the next smallest band is withheld too: the cohort's count minus the released
 * bands gives the withheld bands' total, which must itself not single out a group below k (complementary
 * suppression, Hundepool et al., Statistical Disclosure Control, Wiley 2012, §4.2 on tables with margins). Counts
 * are rounded to 5 (ONS 10-5 rule); a released count is at least k, so DP noise never shows as a negative count.
 */
export function releaseBands(input: BandsInput): BandsRelease {
  const { labels, counts, homes, k } = input;
  if (labels.length !== counts.length || labels.length < 2) {
    throw new ValidationError('A banded cell needs one count per band, and at least two bands', {
      labels: labels.length,
      counts: counts.length,
    });
  }
  if (homes < minimumCohort(k, input.floor)) {
    return { suppressed: true, reason: 'below-k', homes: null, bands: null };
  }
  const withheld = new Set(counts.flatMap((count, index) => (count < k ? [index] : [])));
  const smallestFirst = counts
    .map((count, index) => ({ count, index }))
    .sort((a, b) => a.count - b.count || a.index - b.index);
  let withheldHomes = smallestFirst.reduce(
    (sum, band) => sum + (withheld.has(band.index) ? band.count : 0),
    0,
  );
  for (const band of smallestFirst) {
    if (withheld.size === 0 || withheldHomes >= k) break;
    if (withheld.has(band.index)) continue;
    withheld.add(band.index);
    withheldHomes += band.count;
  }
  return {
    suppressed: false,
    homes: roundToNearest5(homes),
    bands: labels.map((label, index) => ({
      label,
      homes: withheld.has(index) ? null : roundToNearest5(counts[index]!),
    })),
  };
}

/** A banded release as a run's cell carries it: homes and bands, no mean (the same in both modes). */
export function bandsCell(release: BandsRelease): CellRelease {
  if (release.suppressed) return suppressedCell('below-k');
  return { suppressed: false, homes: release.homes, mean: null, median: null, bands: release.bands };
}
