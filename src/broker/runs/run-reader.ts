// Reads runs, their released cells, the DP budget a request has spent and a council's release history.
import type { ReleaseHistoryEntry } from '../aggregation/cell-release.ts';
import type { Queryable } from '../db/database.ts';
import type { ReleaseRow } from '../db/schema/releases.ts';
import type { RunCellRow } from '../db/schema/run-cells.ts';
import type { RunRow } from '../db/schema/runs.ts';

/** One run of a request, or null. */
export async function findRun(db: Queryable, requestId: string, runId: string): Promise<RunRow | null> {
  const rows = await db.query<RunRow>('SELECT * FROM runs WHERE id = $1 AND request_id = $2', [
    runId,
    requestId,
  ]);
  return rows[0] ?? null;
}

/** A run by id alone (workers get only the id), or null. */
export async function findRunById(db: Queryable, runId: string): Promise<RunRow | null> {
  const rows = await db.query<RunRow>('SELECT * FROM runs WHERE id = $1', [runId]);
  return rows[0] ?? null;
}

/** Runs marked running, with their last heartbeat. */
export function listRunningRuns(db: Queryable): Promise<Pick<RunRow, 'id' | 'heartbeat_at'>[]> {
  return db.query<Pick<RunRow, 'id' | 'heartbeat_at'>>(
    "SELECT id, heartbeat_at FROM runs WHERE state = 'running' ORDER BY created_at",
  );
}

/** The latest finished run of a request, or null. */
export async function findLatestDoneRun(db: Queryable, requestId: string): Promise<RunRow | null> {
  const rows = await db.query<RunRow>(
    "SELECT * FROM runs WHERE request_id = $1 AND state = 'done' ORDER BY finished_at DESC, id LIMIT 1",
    [requestId],
  );
  return rows[0] ?? null;
}

/** Every run of a request, newest first. */
export function listRuns(db: Queryable, requestId: string): Promise<RunRow[]> {
  return db.query<RunRow>('SELECT * FROM runs WHERE request_id = $1 ORDER BY created_at DESC, id', [
    requestId,
  ]);
}

/** The queued and running runs of a council's requests, oldest first. */
export function listActiveRunsOfCouncil(
  db: Queryable,
  councilId: string,
): Promise<Pick<RunRow, 'id' | 'request_id' | 'state'>[]> {
  return db.query<Pick<RunRow, 'id' | 'request_id' | 'state'>>(
    'SELECT runs.id, runs.request_id, runs.state FROM runs JOIN requests ON requests.id = runs.request_id ' +
      "WHERE requests.council_id = $1 AND runs.state IN ('queued', 'running') ORDER BY runs.created_at, runs.id",
    [councilId],
  );
}

/** A queued run and the council whose request it is (the queue is fair between councils). */
export interface QueuedRun {
  id: string;
  council_id: string;
}

/** Runs waiting to be executed, oldest first, with their council. */
export function listQueuedRuns(db: Queryable): Promise<QueuedRun[]> {
  return db.query<QueuedRun>(
    'SELECT runs.id, requests.council_id FROM runs JOIN requests ON requests.id = runs.request_id ' +
      "WHERE runs.state = 'queued' ORDER BY runs.created_at, runs.id",
  );
}

/** The released cells of a run, in table order. */
export function listRunCells(db: Queryable, runId: string): Promise<RunCellRow[]> {
  return db.query<RunCellRow>('SELECT * FROM run_cells WHERE run_id = $1 ORDER BY position', [runId]);
}

/** ε a request has spent: every run that did not fail (a failed run released nothing). */
export async function spentEpsilon(db: Queryable, requestId: string): Promise<number> {
  const rows = await db.query<{ spent: number | null }>(
    "SELECT sum(epsilon) AS spent FROM runs WHERE request_id = $1 AND state <> 'failed'",
    [requestId],
  );
  return Number(rows[0]?.spent ?? 0);
}

/** Everything released to a council for these metrics and periods: what a new cohort must not differ from by < k. */
export async function readReleaseHistory(
  db: Queryable,
  councilId: string,
  metrics: readonly string[],
  periods: readonly string[],
): Promise<ReleaseHistoryEntry[]> {
  const rows = await db.query<Pick<ReleaseRow, 'id' | 'cell' | 'metric' | 'period' | 'home_keys'>>(
    'SELECT id, cell, metric, period, home_keys FROM releases WHERE council_id = $1 ' +
      'AND metric IN (SELECT jsonb_array_elements_text($2::jsonb)) ' +
      'AND period IN (SELECT jsonb_array_elements_text($3::jsonb)) ORDER BY released_at, id',
    [councilId, JSON.stringify(metrics), JSON.stringify(periods)],
  );
  return rows.map((row) => ({
    id: row.id,
    cell: row.cell,
    metric: row.metric,
    period: row.period,
    homes: row.home_keys,
  }));
}
