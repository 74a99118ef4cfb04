// Passes each cell of a run through disclosure control: k and dominance, optional DP noise, then the differencing rule.
import { dpBoundsFor, getMetric, parsePeriod, periodDays } from '../../metrics/index.ts';
import {
  assertNoDifferencing,
  minimumCohort,
  releaseCell,
  releaseCellDp,
  roundToNearest5,
  type CellRelease,
  type PriorRelease,
  type RandomSource,
  type SuppressionReason,
} from '../../privacy/index.ts';
import { cellLabel, type CellPosition, type Cohort } from './cohorts.ts';

/** How a run's cells are released. */
export interface ReleasePolicy {
  /** The request's minCohort. */
  k: number;
  /** The server floor no k goes below. */
  floor: number;
  /** Differential privacy: ε spent on each cell and the CSPRNG (a seeded source in tests); null without DP. */
  dp: { epsilonPerCell: number; random: RandomSource } | null;
}

/** An earlier release to the same council, as kept for the differencing rule. */
export interface ReleaseHistoryEntry extends PriorRelease {
  metric: string;
  period: string;
}

/** One cell as a council gets it. */
export interface ReleasedCell extends CellPosition {
  /** Homes in the cell rounded to 5, or null when suppressed. */
  homes: number | null;
  mean: number | null;
  median: number | null;
  suppressed: boolean;
  /** Why a cell is suppressed; kept for the operator, not shown to councils (it can hint at a count). */
  reason: SuppressionReason | null;
  /** Homes left out for low coverage / a stuck sensor, released like `homes` (releasedLeftOut); else null. */
  leftOutLowCoverage: number | null;
  leftOutSensorFault: number | null;
}

/** What a run releases: its cells in order, and the cohorts of the released ones for the differencing history. */
export interface RunRelease {
  cells: ReleasedCell[];
  released: { cell: string; metric: string; period: string; homeKeys: string[] }[];
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

/** The release of one cohort under the policy. */
function releaseCohort(cohort: Cohort, policy: ReleasePolicy): CellRelease {
  const metric = getMetric(cohort.metric);
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

/**
 * Releases every cohort of a run. A released cell whose cohort differs from an earlier release of the same
 * metric and period to this council (or from another cell of this run) by 1 … k−1 homes makes the whole run
 * refused: a ConflictError with problem `differencing`, and nothing of the run is released.
 */
export function releaseCohorts(
  cohorts: readonly Cohort[],
  policy: ReleasePolicy,
  history: readonly ReleaseHistoryEntry[],
): RunRelease {
  const cells: ReleasedCell[] = [];
  const released: RunRelease['released'] = [];
  const comparable = new Map<string, PriorRelease[]>();
  for (const entry of history) {
    const key = `${entry.metric}|${entry.period}`;
    comparable.set(key, [...(comparable.get(key) ?? []), entry]);
  }
  for (const cohort of cohorts) {
    const release = releaseCohort(cohort, policy);
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
    if (release.suppressed) {
      cells.push({
        ...position,
        homes: null,
        mean: null,
        median: null,
        suppressed: true,
        reason: release.reason,
        ...leftOut,
      });
      continue;
    }
    // Only cohorts of the same metric and period can be subtracted from each other to isolate homes' values.
    const key = `${cohort.metric}|${cohort.period}`;
    const earlier = comparable.get(key) ?? [];
    assertNoDifferencing(cohort.homeKeys, earlier, policy.k, policy.floor);
    const label = cellLabel(position);
    comparable.set(key, [...earlier, { id: `this run (${label})`, cell: label, homes: cohort.homeKeys }]);
    released.push({
      cell: label,
      metric: cohort.metric,
      period: cohort.period,
      homeKeys: [...cohort.homeKeys],
    });
    cells.push({
      ...position,
      homes: release.homes,
      mean: policy.dp === null ? rounded(release.mean) : release.mean,
      median: rounded(release.median),
      suppressed: false,
      reason: null,
      ...leftOut,
    });
  }
  return { cells, released };
}
