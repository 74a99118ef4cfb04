// How a run is shown to its council: state, coarse progress, options, and the problem that ended a failed run.
import type { RunView } from '../contract.ts';
import { HomedataError } from '../../errors.ts';
import type { RunRow } from '../db/schema/runs.ts';
import { problemFor, type ProblemDocument } from '../../http-problem.ts';

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
