// Changes runs: creating one (spending DP budget), claiming, progress, finishing with released cells, failing, requeueing.
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { spendBudget } from '../../privacy/index.ts';
import type { ReleasedCell, RunRelease } from '../aggregation/cell-release.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { RequestRow } from '../db/schema/requests.ts';
import type { RunRow } from '../db/schema/runs.ts';
import { spentEpsilon } from './run-reader.ts';

/** What a council asks of a run. */
export interface NewRun {
  requestId: string;
  byDwellingType: boolean;
  /** ε this run spends, or `rest` for what is left of the budget; null for a request without DP. */
  epsilon: number | 'rest' | null;
}

/** Below this, what is left of a budget is spent: it is rounding, not privacy budget. */
const EPSILON_LEFT_MIN = 1e-9;

/**
 * Queues a run. With DP its ε is taken from the request's budget in the same transaction, under a lock on the
 * request, so that two runs started at once cannot both spend the last of it; over budget → ConflictError
 * `dp-budget-spent` and no run.
 */
export async function createRun(db: Database, input: NewRun, now: Date): Promise<string> {
  return db.transaction(async (tx) => {
    const requests = await tx.query<Pick<RequestRow, 'dp_epsilon'>>(
      'SELECT dp_epsilon FROM requests WHERE id = $1 FOR UPDATE',
      [input.requestId],
    );
    const request = requests[0];
    if (!request) throw new NotFoundError('No such request');
    let epsilon: number | null = null;
    if (input.epsilon !== null && request.dp_epsilon !== null) {
      const budget = { total: request.dp_epsilon, spent: await spentEpsilon(tx, input.requestId) };
      epsilon = input.epsilon === 'rest' ? budget.total - budget.spent : input.epsilon;
      if (epsilon < EPSILON_LEFT_MIN) {
        throw new ConflictError('dp-budget-spent', 'The privacy budget of this request is spent', {
          total: budget.total,
        });
      }
      spendBudget(budget, epsilon);
    }
    const id = randomUUID();
    await tx.query(
      'INSERT INTO runs (id, request_id, state, progress, created_at, by_dwelling_type, epsilon) ' +
        "VALUES ($1, $2, 'queued', 0, $3, $4, $5)",
      [id, input.requestId, now, input.byDwellingType, epsilon],
    );
    return id;
  });
}

/** Takes a queued run for execution; null when it is not queued (already taken, or finished). */
export async function claimRun(db: Queryable, runId: string, now: Date): Promise<RunRow | null> {
  const rows = await db.query<RunRow>(
    "UPDATE runs SET state = 'running', started_at = $2, heartbeat_at = $2, progress = 0, attempts = attempts + 1 " +
      "WHERE id = $1 AND state = 'queued' RETURNING *",
    [runId, now],
  );
  return rows[0] ?? null;
}

/** Records how far a running run is (a percentage), which is also its heartbeat. */
export async function recordProgress(
  db: Queryable,
  runId: string,
  progress: number,
  now: Date,
): Promise<void> {
  await db.query("UPDATE runs SET progress = $2, heartbeat_at = $3 WHERE id = $1 AND state = 'running'", [
    runId,
    progress,
    now,
  ]);
}

/**
 * Serialises releases to one council across runs and processes until the transaction ends: the history a run
 * checks must not change before its own releases are in it.
 */
export async function lockCouncilReleases(tx: Queryable, councilId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('homedata-releases:' || $1))", [councilId]);
}

/** What a finished run stores: its cells, the cohorts of the released ones, and its overall figures. */
export interface RunOutcome {
  release: RunRelease;
  k: number;
  /** Homes counted in at least one cell, rounded to 5, or null below k. */
  homesOverall: number | null;
}

/** Stores a run's cells and release history and marks it done; in the caller's transaction. */
export async function finishRun(
  tx: Queryable,
  run: Pick<RunRow, 'id' | 'request_id'>,
  councilId: string,
  outcome: RunOutcome,
  now: Date,
): Promise<void> {
  const { cells, released } = outcome.release;
  for (const [position, cell] of cells.entries()) await insertCell(tx, run.id, position, cell);
  for (const entry of released) {
    await tx.query(
      'INSERT INTO releases (id, council_id, request_id, run_id, cell, metric, period, home_keys, released_at) ' +
        'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [
        randomUUID(),
        councilId,
        run.request_id,
        run.id,
        entry.cell,
        entry.metric,
        entry.period,
        JSON.stringify(entry.homeKeys),
        now,
      ],
    );
  }
  await tx.query(
    "UPDATE runs SET state = 'done', progress = 100, finished_at = $2, k = $3, homes_overall = $4, error = NULL, " +
      'problem = NULL WHERE id = $1',
    [run.id, now, outcome.k, outcome.homesOverall],
  );
}

/** Inserts one released or suppressed cell. */
async function insertCell(tx: Queryable, runId: string, position: number, cell: ReleasedCell): Promise<void> {
  await tx.query(
    'INSERT INTO run_cells (run_id, position, area, dwelling_type, period, metric, homes, mean, median, suppressed, ' +
      'left_out_low_coverage, left_out_sensor_fault) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
    [
      runId,
      position,
      cell.area,
      cell.dwellingType,
      cell.period,
      cell.metric,
      cell.homes,
      cell.mean,
      cell.median,
      cell.suppressed,
      cell.leftOutLowCoverage,
      cell.leftOutSensorFault,
    ],
  );
}

/** Marks a run failed with a problem slug and a message fit for the council (no WebID, pod URL or count). */
export async function failRun(
  db: Queryable,
  runId: string,
  problem: string,
  message: string,
  now: Date,
): Promise<void> {
  await db.query(
    "UPDATE runs SET state = 'failed', finished_at = $2, problem = $3, error = $4 WHERE id = $1 AND state <> 'done'",
    [runId, now, problem, message],
  );
}

/** Puts one running run back in the queue (its process is stopping); it will be read again from the start. */
export async function requeueRun(db: Queryable, runId: string): Promise<void> {
  await db.query("UPDATE runs SET state = 'queued', progress = 0 WHERE id = $1 AND state = 'running'", [
    runId,
  ]);
}

/**
 * Puts runs that were running when their process stopped back in the queue, to be read again from the start
 * (their per-home values were in that process's memory only). Runs with a heartbeat after `staleBefore` are left
 * alone: another live process is running them.
 */
export async function requeueInterruptedRuns(db: Queryable, staleBefore: Date): Promise<string[]> {
  const rows = await db.query<Pick<RunRow, 'id'>>(
    "UPDATE runs SET state = 'queued', progress = 0 WHERE state = 'running' " +
      'AND (heartbeat_at IS NULL OR heartbeat_at < $1) RETURNING id',
    [staleBefore],
  );
  return rows.map((row) => row.id);
}
