// Fault suite: the broker process on PostgreSQL is SIGKILLed mid-run and started again on the same database; the run's shard is handed out again and the run releases the same figures.
import { afterAll } from 'vitest';
import { openBrokerDatabase, type Database } from '../../src/broker/index.ts';
import { postgresScenarioDatabase } from '../helpers/scenario-databases.ts';
import { describeBrokerKill } from './broker-kill.ts';

/** The test's own connection to the broker's database, to see the run's reads while the broker runs. */
let db: Database | undefined;

afterAll(async () => {
  await db?.close();
});

describeBrokerKill({
  id: 'brokerKilledPostgres',
  makeDatabase: () => postgresScenarioDatabase('broker_kill_'),
  // A killed process's shard job is handed out again once it expires, which the home deadline bounds.
  limits: { homeDeadlineMs: 10_000 },
  resumeTimeoutMs: 480_000,
  // The run is not started again: its shard is read again by the pg-boss job's retry.
  attempts: 1,
  homesRead: async (world, runId) => {
    db ??= await openBrokerDatabase(world.database.target);
    const [row] = await db.query<{ homes: number }>(
      'SELECT count(DISTINCT resident_webid)::int AS homes FROM audit_log ' +
        'WHERE run_id = $1 AND status >= 200 AND status < 300',
      [runId],
    );
    return row!.homes;
  },
});
