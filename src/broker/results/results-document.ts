// The results of a run as councils get them in JSON: the request, the run, k, ε and one entry per cell.
import type { ResultsDocument } from '../contract.ts';
import { cellFigures, type RunCellRow } from '../db/schema/run-cells.ts';
import type { RunRow } from '../db/schema/runs.ts';

/** The results document of a finished run and its cells. */
export function resultsDocument(run: RunRow, cells: readonly RunCellRow[]): ResultsDocument {
  return {
    request: run.request_id,
    run: run.id,
    runAt: (run.finished_at ?? run.created_at).toISOString(),
    k: run.k ?? 0,
    epsilon: run.epsilon,
    homes: run.homes_overall,
    cells: cells.map((cell) => ({
      area: cell.area,
      ...(cell.dwelling_type === null ? {} : { dwellingType: cell.dwelling_type }),
      ...cellFigures(cell),
      ...(cell.bands === null ? {} : { bands: cell.bands }),
      ...(cell.withheld_rule === null
        ? {}
        : {
            withheld: {
              rule: cell.withheld_rule as 'differencing' | 'complementary',
              request: cell.withheld_request ?? '',
              run: cell.withheld_run ?? '',
            },
          }),
      leftOut: { lowCoverage: cell.left_out_low_coverage, sensorFault: cell.left_out_sensor_fault },
    })),
  };
}
