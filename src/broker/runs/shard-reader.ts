// Reads a shared run's shards and the per-home values they handed in.
import type { Queryable } from '../db/database.ts';
import type { RunShardRow, RunValueRow } from '../db/schema/run-shards.ts';

/** One shard of a run, or null. */
export async function findShard(db: Queryable, runId: string, shard: number): Promise<RunShardRow | null> {
  const rows = await db.query<RunShardRow>('SELECT * FROM run_shards WHERE run_id = $1 AND shard = $2', [
    runId,
    shard,
  ]);
  return rows[0] ?? null;
}

/** How many shards a run has and how many are done, and the homes in each. */
export async function countShards(
  db: Queryable,
  runId: string,
): Promise<{ total: number; done: number; homes: number; homesDone: number }> {
  const rows = await db.query<{ total: number; done: number; homes: number; homesDone: number }>(
    "SELECT count(*)::int AS total, count(*) FILTER (WHERE state = 'done')::int AS done, " +
      'coalesce(sum(jsonb_array_length(residents)), 0)::int AS homes, ' +
      'coalesce(sum(jsonb_array_length(residents)) FILTER (WHERE state = \'done\'), 0)::int AS "homesDone" ' +
      'FROM run_shards WHERE run_id = $1',
    [runId],
  );
  return rows[0] ?? { total: 0, done: 0, homes: 0, homesDone: 0 };
}

/** The shards of a run still to be read. */
export async function listPendingShards(db: Queryable, runId: string): Promise<number[]> {
  const rows = await db.query<{ shard: number }>(
    "SELECT shard FROM run_shards WHERE run_id = $1 AND state = 'pending' ORDER BY shard",
    [runId],
  );
  return rows.map((row) => row.shard);
}

/** The per-home values of a run, grouped by home key. */
export async function readRunValues(db: Queryable, runId: string): Promise<Map<string, RunValueRow[]>> {
  const rows = await db.query<RunValueRow>('SELECT * FROM run_values WHERE run_id = $1 ORDER BY home_key', [
    runId,
  ]);
  const byHome = new Map<string, RunValueRow[]>();
  for (const row of rows) {
    const list = byHome.get(row.home_key);
    if (list === undefined) byHome.set(row.home_key, [row]);
    else list.push(row);
  }
  return byHome;
}
