// Two real broker processes (`homedata broker`) on one PostgreSQL share a run through pg-boss, and one survives the other's SIGKILL.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  addCouncil,
  openBrokerDatabase,
  type BrokerConfigInput,
  type NewCouncil,
} from '../../../src/broker/index.ts';
import type { Database } from '../../../src/broker/db/database.ts';
import type { ResultsDocument, RunView } from '../../../src/broker/contract.ts';
import { BrokerClient, grantConsent } from '../../../src/consent/index.ts';
import { forEachBounded } from '../../../src/bounded-concurrency.ts';
import { findFreePort } from '../../../src/free-port.ts';
import { createActor, type TestActor } from '../../helpers/identities.ts';
import { enrolTestHomes } from '../../helpers/enrol-homes.ts';
import { postgresScenarioDatabase, type ScenarioDatabase } from '../../helpers/scenario-databases.ts';
import {
  killChildren,
  killHard,
  startBrokerProcess,
  type ServerProcess,
} from '../../faults/fault-processes.ts';
import { homeValueFromReadings, mean, type CheckedMetric } from './figures-from-readings.ts';
import { seedHomes, type SeededHome } from './seed-homes.ts';

/** The fixture ward with 12 homes: one cell per metric, released (k = 10). */
const CENTRAL = 'E05018412';
const METRICS: CheckedMetric[] = ['temperature.mean', 'cold.below18.hours'];

/**
 * Shards of 2 homes, one shard at a time per process: 6 shards, so both processes get some. The home deadline
 * bounds a shard's expiry (one round of 15 s, plus 10 s): a shard whose process was killed is handed on ~25 s
 * later. 5 s was too short on a loaded 2-core machine: homes missed it and the figures changed.
 */
const LIMITS = { runShardSize: 2, runConcurrency: 1, homeDeadlineMs: 15_000 };

const byNumber = (a: number, b: number) => a - b;

describe('one run shared by two broker processes on PostgreSQL', () => {
  const server = inject('podServer');
  let database: ScenarioDatabase;
  let db: Database;
  let dir: string;
  let brokerActor: TestActor;
  let homes: SeededHome[];
  let council: NewCouncil;
  let requestId: string;
  const processes: ServerProcess[] = [];
  /** The released cells of the run in one process, kept to compare the shared runs with. */
  let alone: ResultsDocument['cells'];

  /** Writes a broker config (same identity, database and audit key; own port) and starts `homedata broker` on it. */
  const startProcess = async (name: string): Promise<ServerProcess> => {
    const config: BrokerConfigInput = {
      port: await findFreePort(),
      issuer: server,
      webId: brokerActor.identity.webId,
      clientId: brokerActor.identity.clientId,
      clientSecret: brokerActor.identity.clientSecret,
      auditKeyFile: join(dir, 'audit.key'),
      rateLimit: { windowMs: 60_000, max: 100_000 },
      limits: LIMITS,
      ...database.config,
    };
    const file = join(dir, `${name}.json`);
    await writeFile(file, JSON.stringify(config));
    // A home that misses its deadline is left out silently (counted pod-failed): the shards' counts say so.
    const started = await startBrokerProcess(file, {
      onLog: (entry) => {
        const skipped = entry.msg === 'shard read' && Number(entry['pod-failed']) > 0;
        if (skipped || Number(entry.level) >= 50)
          process.stderr.write(`[${name}] ${JSON.stringify(entry)}\n`);
      },
    });
    processes.push(started);
    return started;
  };
  /** Calls a broker process as the council. */
  const call = async (broker: ServerProcess, path: string, init: RequestInit = {}) => {
    const response = await fetch(`${broker.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${council.apiKey}`, ...init.headers },
    });
    return { status: response.status, text: await response.text() };
  };
  /** Starts a run through one process; returns its id. */
  const startRun = async (broker: ServerProcess): Promise<string> => {
    const answer = await call(broker, `api/requests/${requestId}/runs`, { method: 'POST' });
    expect(answer.status, answer.text).toBe(202);
    return (JSON.parse(answer.text) as RunView).id;
  };
  /** Waits until the run is done (read through `broker`) and returns its released cells. */
  const doneCells = async (broker: ServerProcess, runId: string): Promise<ResultsDocument['cells']> => {
    await vi.waitFor(
      async () => {
        const view = JSON.parse(
          (await call(broker, `api/requests/${requestId}/runs/${runId}`)).text,
        ) as RunView;
        expect(view.state, `run ${runId}`).toBe('done');
      },
      { timeout: 90_000, interval: 200 },
    );
    const answer = await call(broker, `api/requests/${requestId}/results?run=${runId}`);
    expect(answer.status, answer.text).toBe(200);
    return (JSON.parse(answer.text) as ResultsDocument).cells;
  };
  /** The process ids among the workers that read a finished run. */
  const readerPids = async (runId: string): Promise<number[]> => {
    const [row] = await db.query<{ workers: string[] | null }>('SELECT workers FROM runs WHERE id = $1', [
      runId,
    ]);
    return (row?.workers ?? []).map((worker) => Number(worker.split(':')[1])).sort(byNumber);
  };
  const pidOf = (broker: ServerProcess) => broker.child.pid!;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homedata-multiproc-'));
    [database, brokerActor, homes] = await Promise.all([
      postgresScenarioDatabase('multiproc_'),
      createActor(server, 'broker'),
      seedHomes(
        server,
        Array.from({ length: 12 }, (_, index) => ({ homeId: `home-${String(index + 1).padStart(2, '0')}` })),
        { properties: ['temperature'] },
      ),
    ]);
    // The first process makes the schema and the audit key; the test then works on the same database.
    const first = await startProcess('first');
    db = await openBrokerDatabase(database.target);
    council = await addCouncil(db, 'Northbridge Borough Council');
    await enrolTestHomes(
      db,
      homes.map((home) => ({ pod: home.identity.pod })),
    );
    const filed = await call(first, 'api/requests', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Cold homes',
        purpose: 'https://w3id.org/dpv#ImprovePublicServices',
        description: 'Where to target insulation grants.',
        metrics: METRICS,
        areas: [CENTRAL],
        period: { from: '2026-01-01', to: '2026-01-31' },
        granularity: 'month',
        minCohort: 10,
        consentUntil: '2036-12-31',
      }),
    });
    expect(filed.status, filed.text).toBe(201);
    requestId = (JSON.parse(filed.text) as { id: string }).id;
    await forEachBounded(homes, 4, async (home) => {
      await grantConsent(
        {
          session: home.agent,
          broker: new BrokerClient(first.url, home.agent.fetch),
          pod: home.identity.pod,
        },
        requestId,
      );
    });
  }, 600_000);

  afterAll(async () => {
    killChildren();
    await db?.close();
    await Promise.all([brokerActor, ...(homes ?? [])].map((actor) => actor?.agent.logout()));
    await database?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('releases, from one process, the figures computed independently from the fixture readings', async () => {
    const [first] = processes;
    const runId = await startRun(first!);
    alone = await doneCells(first!, runId);
    expect(alone).toHaveLength(METRICS.length);
    for (const metric of METRICS) {
      const values = homes
        .map((home) => homeValueFromReadings(metric, home.readings))
        .filter((value): value is number => value !== null);
      expect(values).toHaveLength(12);
      const cell = alone.find((candidate) => candidate.metric === metric);
      expect(cell).toMatchObject({ area: CENTRAL, period: '2026-01', homes: 10, suppressed: false });
      expect(Math.abs(cell!.mean! - mean(values)), metric).toBeLessThanOrEqual(0.005 + 1e-9);
    }
    expect(await readerPids(runId)).toEqual([pidOf(first!)]);
  });

  it('shares a run between two broker processes: both read shards, and the figures are the same', async () => {
    const [first] = processes;
    const second = await startProcess('second');
    // Filed through the second process: whichever process plans, the shards go to both.
    const runId = await startRun(second);
    expect(await doneCells(first!, runId)).toEqual(alone);
    expect(await readerPids(runId)).toEqual([pidOf(first!), pidOf(second)].sort(byNumber));
    const left = await db.query('SELECT 1 FROM run_values WHERE run_id = $1', [runId]);
    expect(left).toEqual([]);
  });

  it('finishes a run when one of the two processes is SIGKILLed mid-shard: its shard is handed to the other, same figures', async () => {
    const [first, second] = processes;
    const runId = await startRun(first!);
    // Killed while it holds a shard it has not finished: that shard can only be done by the other process.
    const held = await vi.waitFor(
      async () => {
        const rows = await db.query<{ shard: number }>(
          "SELECT shard FROM run_shards WHERE run_id = $1 AND state = 'pending' AND worker LIKE $2",
          [runId, `%:${pidOf(second!)}:%`],
        );
        expect(rows.length, 'the second process holds a shard').toBeGreaterThan(0);
        return rows[0]!.shard;
      },
      { timeout: 60_000, interval: 20 },
    );
    await killHard(second!.child);
    expect(await doneCells(first!, runId)).toEqual(alone);
    // pg-boss handed the killed process's shard job out again (a retry), and the surviving process read it.
    const [job] = await db.query<{ state: string; retry_count: number }>(
      `SELECT state, retry_count FROM ${database.config.databaseSchema!}.job ` +
        "WHERE name = 'homedata-run-shard' AND singleton_key = $1",
      [`${runId}:${held}`],
    );
    expect(job).toMatchObject({ state: 'completed' });
    expect(job!.retry_count).toBeGreaterThanOrEqual(1);
    expect(await readerPids(runId)).toContain(pidOf(first!));
    const [run] = await db.query<{ attempts: number }>('SELECT attempts FROM runs WHERE id = $1', [runId]);
    expect(run!.attempts).toBe(1);
  });
});
