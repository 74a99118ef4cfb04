// Runs on an in-memory database with a stand-in pod reader: states, release history, DP budget, interruption, progress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withdrawConsent, recordGivenConsent } from '../../../src/broker/consents/consent-transactor.ts';
import { addCouncil } from '../../../src/broker/councils/council-transactor.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import { createRequest } from '../../../src/broker/requests/request-transactor.ts';
import { RunExecutor } from '../../../src/broker/runs/run-executor.ts';
import { progressPercent } from '../../../src/broker/runs/run-progress.ts';
import { findRun, listRunCells, spentEpsilon } from '../../../src/broker/runs/run-reader.ts';
import { createRun } from '../../../src/broker/runs/run-transactor.ts';
import { ConflictError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/logging.ts';
import { seededRandomSource } from '../../../src/privacy/index.ts';
import { enrolTestHomes } from '../../helpers/enrol-homes.ts';
import { AREA, podOf, syntheticHomes, syntheticReader, webIdOf } from './synthetic-broker.ts';
import { openMemoryDatabase } from '../../helpers/memory-database.ts';

const HOMES = 22;

describe('run lifecycle', () => {
  let db: Database;
  let councilId: string;
  const reads: string[] = [];
  let executor: RunExecutor;

  /** A new request over the area for `metrics`, with every home consenting. */
  const newRequest = async (metrics: string[], dp?: { epsilon: number }) => {
    const requestId = await createRequest(
      db,
      councilId,
      {
        title: 'Lifecycle',
        purpose: 'https://w3id.org/dpv#ImprovePublicServices',
        description: 'Test',
        metrics: metrics as never,
        areas: [AREA],
        period: { from: '2026-01-01', to: '2026-01-31' },
        granularity: 'month',
        split: 'none',
        minCohort: 10,
        consentUntil: '2036-12-31',
        ...(dp ? { dp } : {}),
      },
      new Date(),
    );
    for (let index = 0; index < HOMES; index++) {
      await recordGivenConsent(db, {
        request_id: requestId,
        resident_webid: webIdOf(index),
        pod: podOf(index),
        record_iri: `${podOf(index)}homedata/consents/${requestId}.ttl#consent`,
        area: AREA,
        dwelling_type: 'Flat',
        given_at: new Date(),
        expires_at: new Date('2036-12-31T00:00:00Z'),
      });
    }
    return requestId;
  };
  const withdraw = async (requestId: string, indices: number[]) => {
    for (const index of indices) await withdrawConsent(db, requestId, webIdOf(index), new Date());
  };
  const execute = async (requestId: string, epsilon: number | null = null) => {
    const runId = await createRun(db, { requestId, epsilon }, new Date());
    await executor.execute(runId);
    return (await findRun(db, requestId, runId))!;
  };

  beforeAll(async () => {
    db = await openMemoryDatabase();
    councilId = (await addCouncil(db, 'Northbridge Borough Council')).id;
    await enrolTestHomes(
      db,
      Array.from({ length: HOMES }, (_, index) => ({ pod: podOf(index) })),
    );
    executor = new RunExecutor({
      db,
      reader: syntheticReader(
        new Map(syntheticHomes(0, HOMES, 'Flat').map((home) => [home.index, home])),
        reads,
      ),
      clock: () => new Date(),
      logger: createLogger('runs-test', 'silent'),
      random: seededRandomSource(5),
      kFloor: 10,
    });
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  it('releases a cell, then allows a cohort that still differs by k or more, and refuses one that differs by fewer', async () => {
    const requestId = await newRequest(['temperature.mean']);
    const first = await execute(requestId);
    expect(first).toMatchObject({ state: 'done', progress: 100, k: 10, homes_overall: 20 });
    const [cell] = await listRunCells(db, first.id);
    const expectedMean = 15 + (HOMES - 1) / 20;
    expect(cell).toMatchObject({ area: AREA, homes: 20, suppressed: false });
    expect(cell!.mean).toBeCloseTo(expectedMean, 2);

    await withdraw(requestId, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const smaller = await execute(requestId);
    expect(smaller.state).toBe('done');
    expect((await listRunCells(db, smaller.id))[0]).toMatchObject({ homes: 10, suppressed: false });

    await withdraw(requestId, [12]);
    const belowK = await execute(requestId);
    expect(belowK.state).toBe('done');
    expect((await listRunCells(db, belowK.id))[0]).toMatchObject({
      homes: null,
      mean: null,
      suppressed: true,
    });
  });

  it('withholds the cell of a re-run one home smaller, naming the rule and the earlier run, never a count', async () => {
    const requestId = await newRequest(['cold.below18.hours']);
    const first = await execute(requestId);
    expect(first.state).toBe('done');
    await withdraw(requestId, [21]);
    const rerun = await execute(requestId);
    expect(rerun).toMatchObject({ state: 'done', problem: null });
    expect(await listRunCells(db, rerun.id)).toEqual([
      expect.objectContaining({
        homes: null,
        mean: null,
        suppressed: true,
        withheld_rule: 'differencing',
        withheld_request: requestId,
        withheld_run: first.id,
      }),
    ]);
    const history = await db.query('SELECT id FROM releases WHERE run_id = $1', [rerun.id]);
    expect(history).toEqual([]);
  });

  it('keeps only opaque home keys in the release history', async () => {
    const rows = await db.query<{ home_keys: string[] }>('SELECT home_keys FROM releases');
    const keys = rows.flatMap((row) => row.home_keys);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('spends the DP budget per run, refuses a run over it, and gives back what a failed run took', async () => {
    const requestId = await newRequest(['temperature.daytime.mean'], { epsilon: 1 });
    const first = await execute(requestId, 0.4);
    expect(first.state).toBe('done');
    expect((await listRunCells(db, first.id))[0]!.median).toBeNull();
    await expect(createRun(db, { requestId, epsilon: 0.7 }, new Date())).rejects.toThrow(ConflictError);
    await db.query("UPDATE runs SET state = 'failed' WHERE id = $1", [first.id]);
    expect(await spentEpsilon(db, requestId)).toBe(0);
    const rest = await createRun(db, { requestId, epsilon: 'rest' }, new Date());
    expect(
      (await db.query<{ epsilon: number }>('SELECT epsilon FROM runs WHERE id = $1', [rest]))[0]!.epsilon,
    ).toBe(1);
    await expect(createRun(db, { requestId, epsilon: 'rest' }, new Date())).rejects.toMatchObject({
      problem: 'dp-budget-spent',
    });
  });

  it('puts a run interrupted between homes back in the queue', async () => {
    const requestId = await newRequest(['temperature.mean']);
    const runId = await createRun(db, { requestId, epsilon: null }, new Date());
    const abort = new AbortController();
    abort.abort();
    expect(await executor.execute(runId, abort.signal)).toBe('interrupted');
    expect(await findRun(db, requestId, runId)).toMatchObject({ state: 'queued', progress: 0, attempts: 1 });
    expect(await executor.execute(runId)).toBe('done');
    expect(await executor.execute(runId)).toBe('skipped');
  });

  it('does not read homes whose consent was withdrawn before the run', async () => {
    const requestId = await newRequest(['temperature.mean']);
    await withdraw(requestId, [3]);
    reads.length = 0;
    await execute(requestId);
    expect(reads).toHaveLength(HOMES - 1);
    expect(reads).not.toContain(podOf(3));
  });
});

describe('run progress', () => {
  it('moves in steps of 10 and stays below 100 until the run is done', () => {
    expect([0, 1, 5, 11, 12].map((done) => progressPercent(done, 12, 10))).toEqual([0, 0, 40, 90, 90]);
  });

  it('says nothing before the end when there are fewer homes than k', () => {
    expect([0, 1, 2, 3].map((done) => progressPercent(done, 3, 10))).toEqual([0, 0, 0, 0]);
  });
});
