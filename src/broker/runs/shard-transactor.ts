// Changes a shared run's shards: splitting its homes, handing in a shard's values, and clearing all of it at the end.
import type { Queryable } from '../db/database.ts';
import type { HomeResult } from './run-executor.ts';

/** Splits the residents of a run into shards of `size` and stores them as pending; returns the shard numbers. */
export async function createShards(
  tx: Queryable,
  runId: string,
  residents: readonly string[],
  size: number,
): Promise<number[]> {
  const shards: number[] = [];
  for (let start = 0, shard = 0; start < residents.length; start += size, shard++) {
    await tx.query(
      "INSERT INTO run_shards (run_id, shard, residents, state) VALUES ($1, $2, $3, 'pending')",
      [runId, shard, JSON.stringify(residents.slice(start, start + size))],
    );
    shards.push(shard);
  }
  return shards;
}

/** Names the process now reading a pending shard (a shard already done is left as it is). */
export async function takeShard(db: Queryable, runId: string, shard: number, worker: string): Promise<void> {
  await db.query("UPDATE run_shards SET worker = $3 WHERE run_id = $1 AND shard = $2 AND state = 'pending'", [
    runId,
    shard,
    worker,
  ]);
}

/**
 * Hands in what a shard read: its homes' values replace any an earlier attempt left, and the shard is done.
 * Returns false when the shard was done already (a retried job): nothing changes then.
 */
export async function completeShard(
  tx: Queryable,
  runId: string,
  shard: number,
  worker: string,
  homes: readonly HomeResult[],
): Promise<boolean> {
  const updated = await tx.query(
    "UPDATE run_shards SET state = 'done', worker = $3 WHERE run_id = $1 AND shard = $2 AND state = 'pending' " +
      'RETURNING shard',
    [runId, shard, worker],
  );
  if (updated.length === 0) return false;
  await tx.query('DELETE FROM run_values WHERE run_id = $1 AND shard = $2', [runId, shard]);
  for (const { member, values, leftOut } of homes) {
    // Left-out rows carry no value but the reason, and the versions too: the run's finisher takes a home's
    // versions from its first row.
    const rows = [
      ...leftOut.map((entry) => ({ ...entry, value: null, leftOut: entry.reason })),
      ...values.map((entry) => ({ ...entry, leftOut: null })),
    ];
    for (const row of rows) {
      await tx.query(
        'INSERT INTO run_values (run_id, shard, home_key, area, dwelling_type, metric, period, value, left_out, ' +
          'versions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
        [
          runId,
          shard,
          member.key,
          member.area,
          member.dwellingType,
          row.metric,
          row.period,
          row.value,
          row.leftOut,
          JSON.stringify(Object.fromEntries(member.versions)),
        ],
      );
    }
  }
  return true;
}

/** Forgets a run's per-home values and shards, keeping which workers read it; in the transaction that ends the run. */
export async function clearRunWork(tx: Queryable, runId: string): Promise<void> {
  await tx.query(
    'UPDATE runs SET workers = (SELECT jsonb_agg(DISTINCT worker) FROM run_shards WHERE run_id = $1 AND worker IS NOT NULL) ' +
      'WHERE id = $1',
    [runId],
  );
  await tx.query('DELETE FROM run_values WHERE run_id = $1', [runId]);
  await tx.query('DELETE FROM run_shards WHERE run_id = $1', [runId]);
}
