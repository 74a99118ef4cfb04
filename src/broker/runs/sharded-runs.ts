// A run shared between broker processes: one plans it into shards of homes, any reads a shard, one releases it.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logging.ts';
import type { BrokerLimits } from '../config.ts';
import { CohortTable } from '../aggregation/cohorts.ts';
import { findActiveConsent } from '../consents/consent-reader.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { DwellingType } from '../../vocab/index.ts';
import { forEachBounded } from '../../bounded-concurrency.ts';
import type { SkipReason } from '../aggregation/home-reader.ts';
import { DEFAULT_HOME_CONCURRENCY, type HomeResult, type RunExecutor } from './run-executor.ts';
import { findRunById } from './run-reader.ts';
import { progressPercent } from './run-progress.ts';
import { claimRun, recordProgress } from './run-transactor.ts';
import { countShards, findShard, readRunValues } from './shard-reader.ts';
import { clearRunWork, completeShard, createShards, takeShard } from './shard-transactor.ts';

/** How a sharded run hands work on: the queue behind it (pg-boss) sends these, inside a transaction when given. */
export interface ShardDispatch {
  shards(runId: string, shards: readonly number[], tx: Queryable): Promise<void>;
  finish(runId: string): Promise<void>;
}

/** What the sharded steps work with. */
export interface ShardedRunsDeps {
  db: Database;
  executor: RunExecutor;
  logger: Logger;
  clock: () => Date;
  homeConcurrency?: number;
  /** Starts a run gets (`limits.maxRunAttempts`) and homes per shard (`limits.runShardSize`). */
  limits: Pick<BrokerLimits, 'maxRunAttempts' | 'runShardSize'>;
}

/** The three steps of a shared run; each is safe to repeat (a job retried after its process died). */
export class ShardedRuns {
  private readonly deps: ShardedRunsDeps;
  /** Names this process in `runs.workers`: host, process id and a random part (several brokers per process in tests). */
  readonly worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(deps: ShardedRunsDeps) {
    this.deps = deps;
  }

  /**
   * Claims a queued run and splits its consents into shards, stored and dispatched in one transaction. A run
   * already claimed without shards (its planner died) is planned again; one with shards is left alone.
   */
  async plan(runId: string, dispatch: ShardDispatch): Promise<void> {
    const { db, clock, executor } = this.deps;
    let run = await claimRun(db, runId, clock(), this.deps.limits.maxRunAttempts);
    if (run === null) {
      const current = await findRunById(db, runId);
      if (current?.state !== 'running' || (await countShards(db, runId)).total > 0) return;
      run = current;
    }
    try {
      const setup = await executor.setUp(run);
      if (setup.request.aggregation === 'prio3') {
        // Shards keep per-home values in run_values between workers: a prio3 run has none, and its cells are
        // collected with the helper in one place, so this worker runs it whole.
        await executor.aggregatePrio3(setup, undefined, this.deps.logger.child({ runId }));
        return;
      }
      const consents = await executor.consentsToRead(setup);
      const residents = consents.map((consent) => consent.resident_webid);
      await db.transaction(async (tx) => {
        const shards = await createShards(tx, runId, residents, this.deps.limits.runShardSize);
        await dispatch.shards(runId, shards, tx);
      });
      this.deps.logger.info({ runId, worker: this.worker }, 'run planned into shards');
      if (residents.length === 0) await dispatch.finish(runId);
    } catch (error) {
      await this.fail(runId, error);
    }
  }

  /**
   * Reads one shard's homes and hands their values in; when it was the last shard, asks for the run to be
   * released. A home revoked since the run was planned is not read.
   */
  async readShard(runId: string, shardNumber: number, dispatch: ShardDispatch): Promise<void> {
    const { db, clock, executor } = this.deps;
    const run = await findRunById(db, runId);
    const shard = await findShard(db, runId, shardNumber);
    if (run?.state !== 'running' || shard === null) return;
    // A retried job whose shard a stopping process finished after all: that process may have failed to ask for
    // the release (its queue was already stopped), so ask again, or the run would wait for the next start.
    if (shard.state === 'done') return this.finishWhenAllDone(runId, dispatch);
    // Names this process as the shard's reader before the first read: an operator (or a test) sees who holds a
    // shard, and a shard taken over after its process died shows the process that took it.
    await takeShard(db, runId, shardNumber, this.worker);
    const setup = await executor.setUp(run);
    const homes: HomeResult[] = [];
    const skipped: Record<SkipReason, number> = { 'consent-inactive': 0, 'pod-failed': 0, 'no-profile': 0 };
    await forEachBounded(
      shard.residents,
      this.deps.homeConcurrency ?? DEFAULT_HOME_CONCURRENCY,
      async (webId) => {
        const consent = await findActiveConsent(db, run.request_id, webId, clock());
        const home = consent === null ? 'consent-inactive' : await executor.readHomeValues(setup, consent);
        if (typeof home === 'string') skipped[home]++;
        else homes.push(home);
      },
    );
    this.deps.logger.info({ runId, shard: shardNumber, worker: this.worker, ...skipped }, 'shard read');
    const completed = await db.transaction((tx) => completeShard(tx, runId, shardNumber, this.worker, homes));
    homes.length = 0;
    if (!completed) return this.finishWhenAllDone(runId, dispatch);
    const { total, done, homes: planned, homesDone } = await countShards(db, runId);
    await recordProgress(db, runId, progressPercent(homesDone, planned, setup.k), clock());
    if (done === total) await dispatch.finish(runId);
  }

  /** Asks for the run's release when all its shards are done; harmless to repeat (one finish job per run). */
  private async finishWhenAllDone(runId: string, dispatch: ShardDispatch): Promise<void> {
    const { total, done } = await countShards(this.deps.db, runId);
    if (total > 0 && done === total) await dispatch.finish(runId);
  }

  /** Releases a run whose shards are all done, and forgets its per-home values in the same transaction. */
  async finish(runId: string): Promise<void> {
    const { db, executor } = this.deps;
    const run = await findRunById(db, runId);
    if (run?.state !== 'running') return;
    const { total, done } = await countShards(db, runId);
    if (done < total) return;
    try {
      const setup = await executor.setUp(run);
      const table = new CohortTable(setup.plan);
      let counted = 0;
      for (const [key, rows] of await readRunValues(db, runId)) {
        const first = rows[0]!;
        const member = {
          key,
          area: first.area,
          dwellingType: first.dwelling_type as DwellingType,
          versions: new Map(Object.entries(first.versions ?? {})),
        };
        const values = rows.flatMap((row) =>
          row.value === null ? [] : [{ metric: row.metric, period: row.period, value: row.value }],
        );
        const leftOut = rows.flatMap((row) =>
          row.left_out === null ? [] : [{ metric: row.metric, period: row.period, reason: row.left_out }],
        );
        table.addLeftOut(member, leftOut);
        if (table.add(member, values)) counted++;
      }
      try {
        await executor.release(setup, table, counted, (tx) => clearRunWork(tx, runId));
      } finally {
        table.clear();
      }
      this.deps.logger.info({ runId, worker: this.worker }, 'run done');
    } catch (error) {
      await this.fail(runId, error);
    }
  }

  /** Fails a run and forgets whatever its shards handed in. */
  async fail(runId: string, error: unknown): Promise<void> {
    const { db, executor } = this.deps;
    const run = await findRunById(db, runId);
    if (run === null || run.state === 'done') return;
    await executor.fail(run, error);
    await db.transaction((tx) => clearRunWork(tx, runId));
  }
}
