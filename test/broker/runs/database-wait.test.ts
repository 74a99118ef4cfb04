// A failed step of a shared run waits for the database to answer again before pg-boss records the failure.
import { expect, it } from 'vitest';
import type { Queryable } from '../../../src/broker/db/database.ts';
import { untilDatabaseAnswers } from '../../../src/broker/runs/database-wait.ts';
import { seededRandomSource } from '../../../src/random-source.ts';

/** A database that refuses the first `failures` queries, as PostgreSQL does while it restarts. */
function restartingDatabase(failures: number): Queryable & { probes: number } {
  const db = {
    probes: 0,
    async query<R>(): Promise<R[]> {
      db.probes++;
      if (db.probes <= failures) throw new Error('Connection terminated unexpectedly');
      return [];
    },
    async exec(): Promise<void> {},
  };
  return db;
}

it('resolves true as soon as the database answers again', async () => {
  const db = restartingDatabase(3);
  expect(await untilDatabaseAnswers(db, 30_000, seededRandomSource(1))).toBe(true);
  expect(db.probes).toBe(4);
});

it('gives up with false once the wait is over, so that a long outage still ends the step', async () => {
  const db = restartingDatabase(Number.POSITIVE_INFINITY);
  const started = Date.now();
  expect(await untilDatabaseAnswers(db, 600, seededRandomSource(1))).toBe(false);
  expect(Date.now() - started).toBeGreaterThanOrEqual(590);
  expect(db.probes).toBeGreaterThan(1);
});
