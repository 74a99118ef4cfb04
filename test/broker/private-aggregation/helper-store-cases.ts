// The helper database's promises, run on PGlite (unit) and PostgreSQL (services): restart-proof jobs and batches.
import { expect, it } from 'vitest';
import type { DatabaseTarget } from '../../../src/broker/index.ts';
import { HelperStore, type HelperJob } from '../../../src/broker/private-aggregation/helper-store.ts';

const scope = { taskId: 'task-1', metricId: 'temperature.mean', period: '2026-01' };
const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => (from + i).toString(16).padStart(32, '0'));

/** Declares the store cases on a fresh database `target()` (opened, closed and opened again in one test). */
export function helperStoreCases(target: () => DatabaseTarget): void {
  it('keeps a job and every collected batch across a restart: the same batch gets its stored share, an overlapping one is refused', async () => {
    let store = await HelperStore.open(target(), 100);
    const job: HelperJob = {
      ...scope,
      jobId: '6f1c1a52-6f0d-4f0e-9d5e-1d1d1d1d1d1d',
      reportIds: ids(0, 10),
      outputShares: [
        [3n, 2n ** 64n + 5n],
        [7n, 0n],
      ],
    };
    await store.saveJob(job);
    const first = await store.collect(scope, ids(0, 10), 3, () => 'c2hhcmUtQQ==');
    expect(first).toEqual({ reportCount: 10, share: 'c2hhcmUtQQ==', queryCount: 1 });
    await store.close();

    store = await HelperStore.open(target(), 100);
    try {
      expect(await store.takeJob(job.jobId)).toEqual(job);
      expect(await store.takeJob(job.jobId)).toBeNull();
      const compute = () => {
        throw new Error('a collected batch is never computed again');
      };
      // Same reports in another order: the same batch.
      expect(await store.collect(scope, ids(0, 10).reverse(), 3, compute)).toEqual({
        ...first,
        queryCount: 2,
      });
      await expect(store.collect(scope, ids(1, 11), 3, compute)).rejects.toMatchObject({
        problem: 'batch-overlap',
      });
      // The same reports in another period are another cell's batch.
      expect(await store.collect({ ...scope, period: '2026-02' }, ids(1, 11), 3, () => 'Qg==')).toMatchObject(
        {
          queryCount: 1,
        },
      );
      await store.collect(scope, ids(0, 10), 3, compute);
      await expect(store.collect(scope, ids(0, 10), 3, compute)).rejects.toMatchObject({
        problem: 'batch-query-limit',
      });
    } finally {
      await store.close();
    }
  }, 120_000);
}
