// Reads runs, their released cells, the DP budget a request has spent and a council's release history.
import type { DateRange } from '../aggregation/summary-reader.ts';
import type { ReleasedSet } from '../../privacy/index.ts';
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

/**
 * Every cell the broker released, to any council, of these metrics on days overlapping `days`: what a new cell
 * is checked against (secondary suppression). Broker-wide, because two councils (or one with two keys) can
 * subtract each other's figures.
 */
export async function readReleaseHistory(
  db: Queryable,
  metrics: readonly string[],
  days: DateRange,
): Promise<ReleasedSet[]> {
  const rows = await db.query<
    Pick<
      ReleaseRow,
      'request_id' | 'run_id' | 'metric' | 'period_from' | 'period_to' | 'home_keys' | 'home_versions'
    >
  >(
    'SELECT request_id, run_id, metric, period_from, period_to, home_keys, home_versions FROM releases ' +
      'WHERE metric IN (SELECT jsonb_array_elements_text($1::jsonb)) AND period_from <= $3 AND period_to >= $2 ' +
      'ORDER BY released_at, id',
    [JSON.stringify(metrics), days.from, days.to],
  );
  return rows.map((row) => ({
    release: { run: row.run_id, request: row.request_id },
    metric: row.metric,
    interval: { from: row.period_from, to: row.period_to },
    homes: new Map(row.home_keys.map((key) => [key, row.home_versions?.[key] ?? null])),
  }));
}
