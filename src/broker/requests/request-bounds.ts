// How much work a request or run plans (its cells, counted without building them), checked against limits.maxCells.
import { LimitExceededError } from '../../errors.ts';
import { countPeriodsCovering, type Granularity } from '../../metrics/index.ts';
import { DWELLING_TYPES } from '../../vocab/index.ts';

/** The parts of a request (or of a run of it) that decide how many cells it has. */
export interface CellPlanInput {
  areas: readonly string[];
  metrics: readonly string[];
  period: { from: string; to: string };
  granularity: Granularity;
  /** Whether cells are split by dwelling type: every type is then a cell of its own, filled or empty. */
  byDwellingType: boolean;
}

/** The factors of a plan's cell count: areas, periods, metrics and dwelling types (1 when not split). */
function cellFactors(input: CellPlanInput): {
  areas: number;
  periods: number;
  metrics: number;
  types: number;
} {
  return {
    areas: input.areas.length,
    periods: countPeriodsCovering(input.granularity, input.period.from, input.period.to),
    metrics: input.metrics.length,
    types: input.byDwellingType ? DWELLING_TYPES.length : 1,
  };
}

/** Cells a plan has: areas × periods × metrics × dwelling types. */
export function plannedCells(input: CellPlanInput): number {
  const { areas, periods, metrics, types } = cellFactors(input);
  return areas * periods * metrics * types;
}

/**
 * Refuses a plan over `maxCells` with a `too-many-cells` problem (422) that gives the numbers. Every cell is
 * computed, held in memory and stored at release, filled or empty (which cells have homes is not disclosed), so
 * the cell count is what bounds a run's memory and its release transaction.
 */
export function assertCellsWithinLimit(input: CellPlanInput, maxCells: number): void {
  const { areas, periods, metrics, types } = cellFactors(input);
  const cells = areas * periods * metrics * types;
  if (cells <= maxCells) return;
  const split = input.byDwellingType ? ` × ${types} dwelling types` : '';
  throw new LimitExceededError(
    'too-many-cells',
    422,
    `The plan has ${cells} cells (${areas} areas × ${periods} ${input.granularity}s × ${metrics} metrics${split}); ` +
      `the broker allows at most ${maxCells} (limits.maxCells). Ask for fewer areas, metrics or periods.`,
    { limit: 'limits.maxCells', max: maxCells, actual: cells },
  );
}
