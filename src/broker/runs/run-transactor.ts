// Changes runs: creating one (spending DP budget), claiming, progress, finishing with released cells, failing, requeueing.
import { randomUUID } from 'node:crypto';
import { ConflictError, LimitExceededError, NotFoundError } from '../../errors.ts';
import { spendBudget } from '../../privacy/index.ts';
import type { ReleasedCell, RunRelease } from '../aggregation/cell-release.ts';
import { DEFAULT_LIMITS, type BrokerLimits } from '../config.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { RequestRow } from '../db/schema/requests.ts';
import { cellFigures } from '../db/schema/run-cells.ts';
import type { RunRow } from '../db/schema/runs.ts';
import { assertCellsWithinLimit } from '../requests/request-bounds.ts';
import { listActiveRunsOfCouncil, spentEpsilon } from './run-reader.ts';

/** What a council asks of a run; how its cells are split comes from the request. */
export interface NewRun {
  requestId: string;
  /** ε this run spends, or `rest` for what is left of the budget; null for a request without DP. */
  epsilon: number | 'rest' | null;
}

/** Below this, what is left of a budget is spent: it is rounding, not privacy budget. */
const EPSILON_LEFT_MIN = 1e-9;

/** The limits a new run is checked against. */
export type RunLimits = Pick<BrokerLimits, 'maxCells' | 'maxActiveRunsPerCouncil'>;

/**
 * Serialises run creation for one council across processes until the transaction ends, so that two runs
 * started at once cannot both take the last place of its quota.
 */
async function lockCouncilRuns(tx: Queryable, councilId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('homedata-runs:' || $1))", [councilId]);
}

/**
 * Queues a run, after checking in one transaction: its cells within `limits.maxCells` (422 `too-many-cells`,
 * e.g. a split run of a request filed before the limit); with DP, its ε taken from the request's budget under a
 * lock on the request, so that two runs started at once cannot both spend the last of it (409
 * `dp-budget-spent`); no other run of the request queued or running (409 `run-active`); and fewer than
 * `limits.maxActiveRunsPerCouncil` runs of the council queued or running (429 `run-quota`). Refused → no run.
 */
export async function createRun(
  db: Database,
  input: NewRun,
  now: Date,
  limits: RunLimits = DEFAULT_LIMITS,
): Promise<string> {
  return db.transaction(async (tx) => {
    const requests = await tx.query<
      Pick<
        RequestRow,
        | 'dp_epsilon'
        | 'split'
        | 'council_id'
        | 'areas'
        | 'metrics'
        | 'period_from'
        | 'period_to'
        | 'granularity'
      >
    >(
      'SELECT dp_epsilon, split, council_id, areas, metrics, period_from, period_to, granularity FROM requests ' +
        'WHERE id = $1 FOR UPDATE',
      [input.requestId],
    );
    const request = requests[0];
    if (!request) throw new NotFoundError('No such request');
    assertCellsWithinLimit(
      {
        areas: request.areas,
        metrics: request.metrics,
        period: { from: request.period_from, to: request.period_to },
        granularity: request.granularity,
        byDwellingType: request.split === 'dwellingType',
      },
      limits.maxCells,
    );
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
    await lockCouncilRuns(tx, request.council_id);
    const active = await listActiveRunsOfCouncil(tx, request.council_id);
    const same = active.find((run) => run.request_id === input.requestId);
    if (same !== undefined) {
      throw new ConflictError(
        'run-active',
        `Run ${same.id} of this request is still ${same.state}: one run per request at a time; ` +
          'start another when it has finished',
        { runId: same.id },
      );
    }
    if (active.length >= limits.maxActiveRunsPerCouncil) {
      throw new LimitExceededError(
        'run-quota',
        429,
        `Your council has ${active.length} runs queued or running; the broker allows at most ` +
          `${limits.maxActiveRunsPerCouncil} at once (limits.maxActiveRunsPerCouncil). Start this one when one ` +
          'has finished.',
        {
          limit: 'limits.maxActiveRunsPerCouncil',
          max: limits.maxActiveRunsPerCouncil,
          actual: active.length,
        },
      );
    }
    const id = randomUUID();
    await tx.query(
      'INSERT INTO runs (id, request_id, state, progress, created_at, by_dwelling_type, epsilon) ' +
        "VALUES ($1, $2, 'queued', 0, $3, $4, $5)",
      [id, input.requestId, now, request.split === 'dwellingType', epsilon],
    );
    return id;
  });
}

/** The problem of a run that used up its attempts, and what the council reads. */
const ATTEMPTS_PROBLEM = 'run-attempts';

/** Why a run that used up its attempts failed: said without anything about the homes it read. */
function attemptsMessage(maxAttempts: number): string {
  return (
    `The run was started ${maxAttempts} times and never finished (limits.maxRunAttempts); ` +
    'it is not tried again. Start a new run, or tell the broker operator'
  );
}

/**
 * Takes a queued run for execution, counting the attempt; null when it is not queued (already taken, or
 * finished). A queued run that has used up `maxAttempts` is marked failed instead (problem `run-attempts`):
 * whatever stopped it before will stop it again.
 */
export async function claimRun(
  db: Queryable,
  runId: string,
  now: Date,
  maxAttempts: number = DEFAULT_LIMITS.maxRunAttempts,
): Promise<RunRow | null> {
  const rows = await db.query<RunRow>(
    "UPDATE runs SET state = 'running', started_at = $2, heartbeat_at = $2, progress = 0, attempts = attempts + 1 " +
      "WHERE id = $1 AND state = 'queued' AND attempts < $3 RETURNING *",
    [runId, now, maxAttempts],
  );
  if (rows[0] !== undefined) return rows[0];
  await db.query(
    "UPDATE runs SET state = 'failed', finished_at = $2, problem = $3, error = $4 WHERE id = $1 AND state = 'queued' " +
      'AND attempts >= $5',
    [runId, now, ATTEMPTS_PROBLEM, attemptsMessage(maxAttempts), maxAttempts],
  );
  return null;
}

/**
 * Counts one more attempt of a running run whose shard readers died, if it has attempts left; false when it has
 * used them all (the caller then fails it).
 */
export async function recordRestart(db: Queryable, runId: string, maxAttempts: number): Promise<boolean> {
  const rows = await db.query<Pick<RunRow, 'id'>>(
    "UPDATE runs SET attempts = attempts + 1 WHERE id = $1 AND state = 'running' AND attempts < $2 RETURNING id",
    [runId, maxAttempts],
  );
  return rows.length > 0;
}

/** Marks a run that has used up its attempts failed (problem `run-attempts`). */
export async function failRunOutOfAttempts(
  db: Queryable,
  runId: string,
  maxAttempts: number,
  now: Date,
): Promise<void> {
  await failRun(db, runId, ATTEMPTS_PROBLEM, attemptsMessage(maxAttempts), now);
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
 * Serialises releases across runs, councils and processes until the transaction ends: the history a run checks
 * (every council's) must not change before its own releases are in it. A release is short (no pod reads).
 */
export async function lockReleases(tx: Queryable): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('homedata-releases'))");
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
  await insertCells(tx, run.id, cells);
  for (const entry of released) {
    const versions = Object.fromEntries(entry.homeKeys.map((key, index) => [key, entry.homeVersions[index]]));
    await tx.query(
      'INSERT INTO releases (id, council_id, request_id, run_id, cell, metric, period, home_keys, released_at, ' +
        'period_from, period_to, home_versions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
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
        entry.interval.from,
        entry.interval.to,
        JSON.stringify(versions),
      ],
    );
  }
  await tx.query(
    "UPDATE runs SET state = 'done', progress = 100, finished_at = $2, k = $3, homes_overall = $4, error = NULL, " +
      'problem = NULL WHERE id = $1',
    [run.id, now, outcome.k, outcome.homesOverall],
  );
}

/** Cells per INSERT: one statement per cell made a 19,200-cell run take 24 s to store on PGlite. */
const CELLS_PER_INSERT = 1000;

/** Inserts a run's released and suppressed cells in table order, many rows per statement. */
async function insertCells(tx: Queryable, runId: string, cells: readonly ReleasedCell[]): Promise<void> {
  for (let start = 0; start < cells.length; start += CELLS_PER_INSERT) {
    const rows = cells.slice(start, start + CELLS_PER_INSERT).map((cell, index) => ({
      position: start + index,
      area: cell.area,
      dwelling_type: cell.dwellingType,
      ...cellFigures(cell),
      bands: cell.bands,
      withheld_rule: cell.withheld?.rule ?? null,
      withheld_request: cell.withheld?.release.request ?? null,
      withheld_run: cell.withheld?.release.run ?? null,
      left_out_low_coverage: cell.leftOutLowCoverage,
      left_out_sensor_fault: cell.leftOutSensorFault,
    }));
    await tx.query(
      'INSERT INTO run_cells (run_id, position, area, dwelling_type, period, metric, homes, mean, median, bands, ' +
        'suppressed, withheld_rule, withheld_request, withheld_run, left_out_low_coverage, left_out_sensor_fault) ' +
        'SELECT $1, c.position, c.area, c.dwelling_type, c.period, c.metric, c.homes, c.mean, c.median, c.bands, ' +
        'c.suppressed, c.withheld_rule, c.withheld_request, c.withheld_run, c.left_out_low_coverage, ' +
        'c.left_out_sensor_fault ' +
        'FROM jsonb_to_recordset($2::jsonb) AS c(position integer, area text, dwelling_type text, period text, ' +
        'metric text, homes integer, mean double precision, median double precision, bands jsonb, suppressed boolean, ' +
        'withheld_rule text, withheld_request text, withheld_run text, left_out_low_coverage integer, ' +
        'left_out_sensor_fault integer)',
      [runId, JSON.stringify(rows)],
    );
  }
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

/** What a broker did at start with the runs that were running when their process stopped. */
export interface InterruptedRuns {
  /** Queued again, to be read from the start. */
  requeued: string[];
  /** Marked failed: they had used up their attempts (problem `run-attempts`). */
  failed: string[];
}

/**
 * Puts runs that were running when their process stopped back in the queue, to be read again from the start
 * (their per-home values were in that process's memory only), unless they have used up `maxAttempts`: those
 * are marked failed, so that a run that crashes the broker cannot crash it again at every start. Runs with a
 * heartbeat after `staleBefore` are left alone: another live process is running them.
 */
export async function requeueInterruptedRuns(
  db: Queryable,
  staleBefore: Date,
  maxAttempts: number,
  now: Date,
): Promise<InterruptedRuns> {
  const stale = "state = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < $1)";
  const failed = await db.query<Pick<RunRow, 'id'>>(
    `UPDATE runs SET state = 'failed', finished_at = $2, problem = $3, error = $4 WHERE ${stale} ` +
      'AND attempts >= $5 RETURNING id',
    [staleBefore, now, ATTEMPTS_PROBLEM, attemptsMessage(maxAttempts), maxAttempts],
  );
  const requeued = await db.query<Pick<RunRow, 'id'>>(
    `UPDATE runs SET state = 'queued', progress = 0 WHERE ${stale} RETURNING id`,
    [staleBefore],
  );
  return { requeued: requeued.map((row) => row.id), failed: failed.map((row) => row.id) };
}
