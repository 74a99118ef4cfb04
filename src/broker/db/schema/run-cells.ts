// Table `run_cells`: the released cells of finished runs (aggregates only; migrations 002, 006, 009, 017).

import type { ReleasedBand } from '../../../privacy/index.ts';

/** A row of `run_cells`. */
export interface RunCellRow {
  run_id: string;
  /** Order of the cell in the results table. */
  position: number;
  area: string;
  /** A dwelling type when the run split by it, else null. */
  dwelling_type: string | null;
  /** `2026-01` or `2026-W03`. */
  period: string;
  metric: string;
  /** Homes rounded to 5, or null when suppressed. */
  homes: number | null;
  mean: number | null;
  median: number | null;
  /** A banded metric's released cell: homes per band, rounded to 5, null where withheld (migration 017). */
  bands: ReleasedBand[] | null;
  suppressed: boolean;
  /** Secondary suppression only: the rule, and the earlier release's request and run (migration 006). */
  withheld_rule: string | null;
  withheld_request: string | null;
  withheld_run: string | null;
  /** Homes left out for low coverage / a stuck sensor, rounded to 5; null below k or under DP (migration 009). */
  left_out_low_coverage: number | null;
  left_out_sensor_fault: number | null;
}

/** The fields a cell carries under the same names from its release to its row and into the results document. */
type CellFigures = Pick<RunCellRow, 'period' | 'metric' | 'homes' | 'mean' | 'median' | 'suppressed'>;

/** A cell's period, metric, homes, mean, median and suppression, copied from a release or a row. */
export function cellFigures(cell: CellFigures): CellFigures {
  return {
    period: cell.period,
    metric: cell.metric,
    homes: cell.homes,
    mean: cell.mean,
    median: cell.median,
    suppressed: cell.suppressed,
  };
}
