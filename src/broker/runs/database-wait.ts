// Waits for the broker's database to answer again, after a step of a run failed while it was unreachable.
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type BackoffPolicy } from '../../pod/index.ts';
import { cryptoRandomSource, type RandomSource } from '../../random-source.ts';
import type { Queryable } from '../db/database.ts';

/**
 * How long a failed step of a run waits for the database: a restart takes seconds; a database down longer than this
 * is an outage the operator sees, and the step's failure is handed on (the process may then end, as before).
 */
export const DATABASE_WAIT_MS = 60_000;

/** Retries of the probe: quick at first (a restart takes seconds), then every few seconds. */
const PROBE_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 5_000 };

/**
 * Resolves once `db` answers `SELECT 1`, or when `withinMs` has passed (whichever comes first); true if it
 * answered. pg-boss 10 records a job's outcome without awaiting it (`Manager.work` calls `fail` and `complete`
 * unawaited), so a job that ends while PostgreSQL is down leaves an unhandled rejection, which ends the process: a
 * failed step waits here before it hands its failure to pg-boss.
 */
export async function untilDatabaseAnswers(
  db: Queryable,
  withinMs: number,
  random: RandomSource = cryptoRandomSource(),
): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query('SELECT 1');
      return true;
    } catch {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await sleep(Math.min(left, backoffDelay(attempt, PROBE_BACKOFF, random)));
    }
  }
}
