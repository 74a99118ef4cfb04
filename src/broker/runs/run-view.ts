// How a run is shown to its council: state, coarse progress, options, and the problem that ended a failed run.
import { z } from 'zod';
import { HomedataError } from '../../errors.ts';
import type { RunRow } from '../db/schema/runs.ts';
import { problemFor, type ProblemDocument } from '../../http-problem.ts';

const problemSchema = z.object({
  type: z.url(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
});

export const runViewSchema = z.object({
  id: z.uuid(),
  request: z.uuid(),
  state: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.number().min(0).max(100).describe('percent of homes read, in steps of 10; no home counts'),
  byDwellingType: z.boolean().describe("the request's split: cells per dwelling type too"),
  epsilon: z.number().nullable().describe('ε this run spends of the request budget, or null without DP'),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  problem: problemSchema
    .nullable()
    .describe(
      'why a failed run released nothing; a withheld cell is no failure (see the results `withheld`)',
    ),
});
export type RunView = z.infer<typeof runViewSchema>;

/**
 * Body of `POST /api/requests/{id}/runs` (optional). No split option: how cells are split is the request's
 * `split`, fixed when it was made (an unsplit and a split run of one request would give away a small group).
 */
export const newRunSchema = z
  .object({
    epsilon: z
      .number()
      .positive('epsilon must be above 0')
      .optional()
      .describe('ε this run spends of a DP request budget; default: what is left of it'),
  })
  .strict();

/** HTTP status of the problems a run can end with: rule refusals are conflicts, pod trouble is upstream. */
const PROBLEM_STATUS: Record<string, number> = { differencing: 409, 'dp-budget-spent': 409, pod: 502 };

/** The problem that ended a failed run, as an error the problem mapper turns into a document. */
export function runProblemError(row: RunRow): HomedataError | null {
  if (row.state !== 'failed') return null;
  const problem = row.problem ?? 'internal';
  return new HomedataError(problem, PROBLEM_STATUS[problem] ?? 500, row.error ?? 'The run failed');
}

/** The council's view of a run. */
export function runView(row: RunRow): RunView {
  const error = runProblemError(row);
  const problem: ProblemDocument | null = error === null ? null : problemFor(error);
  return {
    id: row.id,
    request: row.request_id,
    state: row.state,
    progress: row.progress,
    byDwellingType: row.by_dwelling_type,
    epsilon: row.epsilon,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    problem:
      problem === null
        ? null
        : { type: problem.type, title: problem.title, status: problem.status, detail: problem.detail },
  };
}
