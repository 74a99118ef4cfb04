// A shard's hand-in on an in-memory database: a home's values and left-out metric-periods, each row with its versions; who reads a shard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCouncil } from '../../../src/broker/councils/council-transactor.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import { createRequest } from '../../../src/broker/requests/request-transactor.ts';
import { readRunValues } from '../../../src/broker/runs/shard-reader.ts';
import { findShard } from '../../../src/broker/runs/shard-reader.ts';
import { completeShard, createShards, takeShard } from '../../../src/broker/runs/shard-transactor.ts';
import { createRun } from '../../../src/broker/runs/run-transactor.ts';
import { openMemoryDatabase } from '../../helpers/memory-database.ts';

const AREA = 'E05018412';

describe('shard hand-in', () => {
  let db: Database;
  let runId: string;

  beforeAll(async () => {
    db = await openMemoryDatabase();
    const councilId = (await addCouncil(db, 'Northbridge Borough Council')).id;
    const requestId = await createRequest(
      db,
      councilId,
      {
        title: 'Damp homes',
        purpose: 'https://w3id.org/dpv#ImprovePublicServices',
        description: 'Test',
        metrics: ['temperature.mean', 'damp.rh70.hours'] as never,
        areas: [AREA],
        period: { from: '2026-01-01', to: '2026-01-31' },
        granularity: 'month',
        split: 'none',
        minCohort: 10,
        consentUntil: '2036-12-31',
      },
      new Date(),
    );
    runId = await createRun(db, { requestId, epsilon: null }, new Date());
    await db.transaction((tx) =>
      createShards(
        tx,
        runId,
        ['https://pods.example/a/profile/card#me', 'https://pods.example/b/profile/card#me'],
        1,
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  it("keeps the home's data versions on its left-out rows too, so the finisher reads them from any row", async () => {
    const versions = new Map([
      ['profile', 'etag:"p1"'],
      ['temperature/2026-01', 'etag:"t1"'],
    ]);
    // Fails before this change: the left-out row had versions NULL, and a home whose first row was a left-out
    // one entered the release check with no versions.
    await db.transaction((tx) =>
      completeShard(tx, runId, 0, 'worker-1', [
        {
          member: { key: 'home-a', area: AREA, dwellingType: 'Flat', versions },
          values: [{ metric: 'temperature.mean', period: '2026-01', value: 18.5 }],
          leftOut: [{ metric: 'damp.rh70.hours', period: '2026-01', reason: 'sensor-fault' }],
        },
      ]),
    );
    const rows = (await readRunValues(db, runId)).get('home-a')!;
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.versions).toEqual(Object.fromEntries(versions));
    expect(rows.find((row) => row.left_out === 'sensor-fault')).toMatchObject({ value: null });
  });

  it('names the process now reading a pending shard, so that a shard taken over shows who took it; a done shard keeps its reader', async () => {
    await takeShard(db, runId, 1, 'worker-dead');
    expect(await findShard(db, runId, 1)).toMatchObject({ state: 'pending', worker: 'worker-dead' });
    await takeShard(db, runId, 1, 'worker-2');
    expect(await findShard(db, runId, 1)).toMatchObject({ state: 'pending', worker: 'worker-2' });
    await db.transaction((tx) => completeShard(tx, runId, 1, 'worker-2', []));
    await takeShard(db, runId, 1, 'worker-late');
    expect(await findShard(db, runId, 1)).toMatchObject({ state: 'done', worker: 'worker-2' });
  });
});
