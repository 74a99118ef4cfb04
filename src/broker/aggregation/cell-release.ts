// Passes each cell of a run through disclosure control: k and dominance, optional DP noise, then secondary suppression.
import {
  countBands,
  dpBoundsFor,
  getMetric,
  parsePeriod,
  periodDays,
  type MetricBands,
} from '../../metrics/index.ts';
import {
  bandsCell,
  findDisclosureConflict,
  minimumCohort,
  noisyBandCounts,
  releaseBands,
  releaseCell,
  releaseCellDp,
  roundToNearest5,
  suppressedCell,
  type CellRelease,
  type DisclosureConflict,
  type HomeDataVersions,
  type RandomSource,
  type ReleasedBand,
  type ReleaseRef,
  type ReleasedSet,
  type SuppressionReason,
} from '../../privacy/index.ts';
import { cellLabel, type CellPosition, type Cohort } from './cohorts.ts';
import type { DateRange } from './summary-reader.ts';

/** How a run's cells are released. */
export interface ReleasePolicy {
  /** The request's minCohort. */
  k: number;
  /** The server floor no k goes below. */
  floor: number;
  /** Differential privacy: ε spent on each cell and the CSPRNG (a seeded source in tests); null without DP. */
  dp: { epsilonPerCell: number; random: RandomSource } | null;
  /** This run and its request: how this run's own released cells are named in the check of its later cells. */
  self: ReleaseRef;
}

/** One cell as a council gets it. */
export interface ReleasedCell extends CellPosition {
  /** Homes in the cell rounded to 5, or null when suppressed. */
  homes: number | null;
  mean: number | null;
  median: number | null;
  /** A banded metric's cell: homes per band, rounded to 5, null where withheld; null for other metrics. */
  bands: ReleasedBand[] | null;
  suppressed: boolean;
  /** Why a cell is suppressed; kept for the operator, not shown to councils (it can hint at a count). */
  reason: SuppressionReason | null;
  /** For a `secondary` suppression: the rule and the earlier release it would combine with (never a count). */
  withheld: DisclosureConflict | null;
  /**
   * Homes left out for low coverage / a stuck sensor, released like `homes` (releasedLeftOut); else null. Null too
   * when the cell is withheld by secondary suppression: they are counts over the same homes.
   */
  leftOutLowCoverage: number | null;
  leftOutSensorFault: number | null;
}

/** A released cell's cohort as the release history keeps it: keys and data versions, never values. */
export interface ReleasedCohort {
  cell: string;
  metric: string;
  period: string;
  /** The days the cell covers. */
  interval: DateRange;
  homeKeys: string[];
  /** Per home (same order as homeKeys), the versions of the data read for it, by month. */
  homeVersions: HomeDataVersions[];
}

/** What a run releases: its cells in order, and the cohorts of the released ones for the release history. */
export interface RunRelease {
  cells: ReleasedCell[];
  released: ReleasedCohort[];
}

/** Figures without DP are shown to two decimals: more would claim a precision home sensors do not have. */
const DECIMALS = 2;

/** A number rounded to DECIMALS places. */
function rounded(value: number | null): number | null {
  if (value === null) return null;
  const factor = 10 ** DECIMALS;
  return Math.round(value * factor) / factor;
}

/**
 * A count of homes left out of a cell, released by the rule for home counts: 1 … max(k, floor) − 1 is not
 * released (null), larger counts are rounded to 5; 0 is released (no home to single out). Under DP no exact count
 * leaves the broker, so none is released.
 */
export function releasedLeftOut(count: number, policy: ReleasePolicy): number | null {
  if (policy.dp !== null) return null;
  if (count === 0) return 0;
  return count < minimumCohort(policy.k, policy.floor) ? null : roundToNearest5(count);
}

/**
 * The release of a banded metric's cohort: its homes counted per band (the same values a mean would use, so the
 * same homes and coverage), through the banded release both modes share. With DP each band count gets discrete
 * Laplace noise of L1 sensitivity 2 at the cell's ε, as each prio3 aggregator adds (aggregateShare), and the home
 * count released is the noisy total; the true count must reach the minimum too, as in releaseCellDp.
 */
function releaseBandedCohort(cohort: Cohort, bands: MetricBands, policy: ReleasePolicy): CellRelease {
  // Checked before any noise is drawn: a suppressed cell spends no draws of the run's random source.
  if (cohort.values.length < minimumCohort(policy.k, policy.floor)) return suppressedCell('below-k');
  const exact = countBands(bands, cohort.values);
  const counts =
    policy.dp === null ? exact : noisyBandCounts(exact, policy.dp.epsilonPerCell, policy.dp.random);
  const homes = counts.reduce((sum, count) => sum + count, 0);
  return bandsCell(releaseBands({ labels: bands.labels, counts, homes, k: policy.k, floor: policy.floor }));
}

/** The release of one cohort under the policy. */
function releaseCohort(cohort: Cohort, policy: ReleasePolicy): CellRelease {
  const metric = getMetric(cohort.metric);
  if (metric.bands !== undefined) return releaseBandedCohort(cohort, metric.bands, policy);
  if (policy.dp === null) {
    return releaseCell({
      values: cohort.values,
      k: policy.k,
      floor: policy.floor,
      additive: metric.additive,
    });
  }
  const days = periodDays(parsePeriod(cohort.period)).length;
  const release = releaseCellDp({
    values: cohort.values,
    bounds: dpBoundsFor(metric, days),
    epsilon: policy.dp.epsilonPerCell,
    k: policy.k,
    floor: policy.floor,
    random: policy.dp.random,
  });
  // Dominance still applies to additive metrics: noise on a sum does not hide one home that makes most of it.
  if (!release.suppressed && metric.additive) {
    const plain = releaseCell({ values: cohort.values, k: policy.k, floor: policy.floor, additive: true });
    if (plain.suppressed) return plain;
  }
  return release;
}

/** The set a released cohort stands for in the disclosure check. */
function releasedSet(
  cohort: Pick<Cohort, 'metric' | 'interval' | 'homeKeys' | 'homeVersions'>,
  release: ReleaseRef,
): ReleasedSet {
  return {
    release,
    metric: cohort.metric,
    interval: cohort.interval,
    homes: new Map(cohort.homeKeys.map((key, index) => [key, cohort.homeVersions[index] ?? null])),
  };
}

/**
 * Releases every cohort of a run. Each cell first passes primary disclosure control (k, dominance, DP); then a
 * cell that, together with the broker's earlier releases to any council (`history`) and this run's cells already
 * released, would let anyone derive a figure for 1 … k−1 homes is withheld too (secondary suppression,
 * privacy/secondary-suppression.ts), with the rule and the earlier release recorded. The run itself goes on.
 * `primary` is the first step; a prio3 run passes the releases its aggregators already collected.
 */
export function releaseCohorts(
  cohorts: readonly Cohort[],
  policy: ReleasePolicy,
  history: readonly ReleasedSet[],
  primary: (cohort: Cohort) => CellRelease = (cohort) => releaseCohort(cohort, policy),
): RunRelease {
  const minimum = minimumCohort(policy.k, policy.floor);
  const cells: ReleasedCell[] = [];
  const released: RunRelease['released'] = [];
  const known: ReleasedSet[] = [...history];
  for (const cohort of cohorts) {
    const release = primary(cohort);
    const leftOut = {
      leftOutLowCoverage: releasedLeftOut(cohort.leftOut?.lowCoverage ?? 0, policy),
      leftOutSensorFault: releasedLeftOut(cohort.leftOut?.sensorFault ?? 0, policy),
    };
    const position: CellPosition = {
      area: cohort.area,
      dwellingType: cohort.dwellingType,
      period: cohort.period,
      metric: cohort.metric,
    };
    const withheld = release.suppressed
      ? null
      : findDisclosureConflict(releasedSet(cohort, policy.self), known, minimum);
    if (release.suppressed || withheld !== null) {
      cells.push({
        ...position,
        homes: null,
        mean: null,
        median: null,
        bands: null,
        suppressed: true,
        reason: release.suppressed ? release.reason : 'secondary',
        withheld,
        // A withheld cell's left-out counts are over the homes the combination would single out: withheld too.
        ...(withheld === null ? leftOut : { leftOutLowCoverage: null, leftOutSensorFault: null }),
      });
      continue;
    }
    known.push(releasedSet(cohort, policy.self));
    released.push({
      cell: cellLabel(position),
      metric: cohort.metric,
      period: cohort.period,
      interval: cohort.interval,
      homeKeys: [...cohort.homeKeys],
      homeVersions: [...cohort.homeVersions],
    });
    cells.push({
      ...position,
      homes: release.homes,
      mean: policy.dp === null ? rounded(release.mean) : release.mean,
      median: rounded(release.median),
      bands: release.bands ?? null,
      suppressed: false,
      reason: null,
      withheld: null,
      ...leftOut,
    });
  }
  return { cells, released };
}
