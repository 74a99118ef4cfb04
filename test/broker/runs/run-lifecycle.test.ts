// Runs on an in-memory database with a stand-in pod reader: states, release history, DP budget, interruption, progress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentedReader } from '../../../src/broker/aggregation/home-reader.ts';
import { withdrawConsent, recordGivenConsent } from '../../../src/broker/consents/consent-transactor.ts';
import { addCouncil } from '../../../src/broker/councils/council-transactor.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import { openBrokerDatabase } from '../../../src/broker/db/open-database.ts';
import type { PodDocument } from '../../../src/broker/pod-access/audited-pod-reader.ts';
import { createRequest } from '../../../src/broker/requests/request-transactor.ts';
import { RunExecutor } from '../../../src/broker/runs/run-executor.ts';
import { progressPercent } from '../../../src/broker/runs/run-progress.ts';
import { findRun, listRunCells, spentEpsilon } from '../../../src/broker/runs/run-reader.ts';
import { createRun } from '../../../src/broker/runs/run-transactor.ts';
import { ConflictError } from '../../../src/errors.ts';
import { summaryQuads } from '../../../src/gateway/summary-rdf.ts';
import { createLogger } from '../../../src/logging.ts';
import { daysOfMonth, type DailySummary } from '../../../src/metrics/index.ts';
import { homeProfileTurtle } from '../../../src/pod/homedata-pod.ts';
import { PodLayout } from '../../../src/pod/pod-layout.ts';
import { seededRandomSource } from '../../../src/privacy/index.ts';
import { serializeTurtle } from '../../../src/vocab/index.ts';
import { enrolTestHomes } from '../../helpers/enrol-homes.ts';

const AREA = 'E05018412';
const HOMES = 22;

/** The pod of synthetic home `index`. */
const podOf = (index: number) => `https://pods.example/home-${index}/`;
const webIdOf = (index: number) => `${podOf(index)}profile/card#me`;

/** January living-room temperatures of home `index`: every hour measured, a mean of 15 + index / 10 °C. */
function summariesOf(index: number): DailySummary[] {
  const mean = 15 + index / 10;
  return daysOfMonth('2026-01').map((date) => ({
    property: 'temperature',
    room: 'living-room',
    date,
    hoursInDay: 24,
    validHours: 24,
    count: 24,
    mean,
    min: mean,
    max: mean,
    hoursBelow18: mean < 18 ? 24 : 0,
    hoursBelow16: mean < 16 ? 24 : 0,
    daytimeHours: 16,
    daytimeMean: mean,
    nightHours: 9,
    nightHoursAbove26: 0,
  }));
}

/** A stand-in for the audited reader: serves each synthetic home's profile and summaries as Turtle, counting reads. */
function syntheticReader(reads: string[]): ConsentedReader {
  return {
    async readUnderConsent<T>(
      consent: { pod: string },
      urls: readonly string[],
      options: { parse?: (response: Response, url: string) => Promise<T> } = {},
    ): Promise<PodDocument<T>[]> {
      const index = Number(/home-(\d+)/.exec(consent.pod)![1]);
      const layout = new PodLayout(consent.pod);
      reads.push(consent.pod);
      return Promise.all(
        urls.map(async (url) => {
          let text: string | null = null;
          if (url === layout.homeProfile) {
            const home = { area: AREA, dwellingType: 'Flat' as const, timeZone: 'Europe/London', rooms: [] };
            text = homeProfileTurtle(layout, home);
          } else if (url === layout.summaryDocument('temperature', '2026-01')) {
            text = serializeTurtle(
              summariesOf(index).flatMap((summary) => summaryQuads(summary, layout, 'Europe/London')),
            );
          }
          const body = text === null ? null : await options.parse!(new Response(text), url);
          return { url, status: text === null ? 404 : 200, etag: null, body };
        }),
      );
    },
  };
}

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
    const runId = await createRun(db, { requestId, byDwellingType: false, epsilon }, new Date());
    await executor.execute(runId);
    return (await findRun(db, requestId, runId))!;
  };

  beforeAll(async () => {
    db = await openBrokerDatabase({ kind: 'memory' });
    councilId = (await addCouncil(db, 'Northbridge Borough Council')).id;
    await enrolTestHomes(
      db,
      Array.from({ length: HOMES }, (_, index) => ({ pod: podOf(index) })),
    );
    executor = new RunExecutor({
      db,
      reader: syntheticReader(reads),
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

  it('refuses a re-run one home smaller, names the rule, and stores nothing of it', async () => {
    const requestId = await newRequest(['cold.below18.hours']);
    expect((await execute(requestId)).state).toBe('done');
    await withdraw(requestId, [21]);
    const refused = await execute(requestId);
    expect(refused).toMatchObject({ state: 'failed', problem: 'differencing' });
    expect(refused.error).toMatch(/minimum cohort size/);
    expect(await listRunCells(db, refused.id)).toEqual([]);
    const history = await db.query('SELECT id FROM releases WHERE run_id = $1', [refused.id]);
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
    await expect(
      createRun(db, { requestId, byDwellingType: false, epsilon: 0.7 }, new Date()),
    ).rejects.toThrow(ConflictError);
    await db.query("UPDATE runs SET state = 'failed' WHERE id = $1", [first.id]);
    expect(await spentEpsilon(db, requestId)).toBe(0);
    const rest = await createRun(db, { requestId, byDwellingType: false, epsilon: 'rest' }, new Date());
    expect(
      (await db.query<{ epsilon: number }>('SELECT epsilon FROM runs WHERE id = $1', [rest]))[0]!.epsilon,
    ).toBe(1);
    await expect(
      createRun(db, { requestId, byDwellingType: false, epsilon: 'rest' }, new Date()),
    ).rejects.toMatchObject({
      problem: 'dp-budget-spent',
    });
  });

  it('puts a run interrupted between homes back in the queue', async () => {
    const requestId = await newRequest(['temperature.mean']);
    const runId = await createRun(db, { requestId, byDwellingType: false, epsilon: null }, new Date());
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
