// The results of a run as councils get them in JSON: the request, the run, k, ε and one entry per cell.
import { z } from 'zod';
import type { RunCellRow } from '../db/schema/run-cells.ts';
import type { RunRow } from '../db/schema/runs.ts';

export const resultCellSchema = z.object({
  area: z.string().describe('ONS GSS area code'),
  dwellingType: z.string().optional().describe('only in runs split by dwelling type'),
  period: z.string().describe('a month `2026-01` or an ISO week `2026-W03`'),
  metric: z.string().describe('catalogue metric id (GET /api/metrics)'),
  homes: z.number().int().nullable().describe('homes rounded to 5; null when suppressed'),
  mean: z.number().nullable(),
  median: z
    .number()
    .nullable()
    .describe(
      "always null for now: a median is one home's value, and is released neither without DP nor with it",
    ),
  suppressed: z.boolean(),
  withheld: z
    .object({
      rule: z.enum(['differencing', 'complementary']),
      request: z.string().describe('the request of the earlier release'),
      run: z.string().describe('the run of the earlier release'),
    })
    .optional()
    .describe(
      'only for a cell withheld by secondary suppression: the rule and the earlier release (of any council) it ' +
        'would combine with to give a figure for fewer than k homes; never how many homes differ',
    ),
  leftOut: z
    .object({
      lowCoverage: z.number().int().nullable(),
      sensorFault: z.number().int().nullable(),
    })
    .describe(
      'homes left out of the cell for their data: under 75 % of hours measured, or a stuck sensor; rounded to 5 ' +
        'like homes, null for 1 … k−1 homes or under differential privacy',
    ),
});
export type ResultCell = z.infer<typeof resultCellSchema>;

/** `GET /api/requests/{id}/results` in JSON. */
export const resultsDocumentSchema = z.object({
  request: z.uuid(),
  run: z.uuid(),
  runAt: z.iso.datetime().describe('when the run finished'),
  k: z.number().int().describe('no released cell covers fewer homes'),
  epsilon: z.number().nullable().describe('ε the run spent, or null without differential privacy'),
  homes: z
    .number()
    .int()
    .nullable()
    .describe('homes counted overall, rounded to 5; null below k or under DP'),
  cells: z.array(resultCellSchema),
});
export type ResultsDocument = z.infer<typeof resultsDocumentSchema>;

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
      period: cell.period,
      metric: cell.metric,
      homes: cell.homes,
      mean: cell.mean,
      median: cell.median,
      suppressed: cell.suppressed,
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
