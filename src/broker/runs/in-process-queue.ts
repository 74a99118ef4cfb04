// The broker's own run queue: a few runs execute at once in this process, one per council; the queue is the `runs` table.
import type { Logger } from '../../logging.ts';
import type { Queryable } from '../db/database.ts';
import type { RunExecutor } from './run-executor.ts';
import type { RunQueue } from './run-queue.ts';
import { listQueuedRuns, type QueuedRun } from './run-reader.ts';
import { requeueInterruptedRuns } from './run-transactor.ts';

/** How long stop() waits for the current runs to notice they are interrupted. */
const STOP_GRACE_MS = 10_000;

/**
 * A running run writes its progress (its heartbeat) at least this often while homes are being read; one silent for
 * longer on a shared database belongs to a process that died.
 */
export const STALE_RUN_MS = 120_000;

/** How often a broker on a shared database looks for queued runs and runs whose process died. */
const SWEEP_INTERVAL_MS = 30_000;

/** What the queue works with. */
export interface InProcessRunQueueDeps {
  db: Queryable;
  /** Executes one run; only `execute` is used (tests pass one that crashes). */
  executor: Pick<RunExecutor, 'execute'>;
  logger: Logger;
  clock: () => Date;
  /**
   * Whether this process is the only one using the database (embedded PGlite): then every run still marked
   * running at start was cut off by a crash. On a shared PostgreSQL only runs without a recent heartbeat are, and
   * the queue looks again every 30 s.
   */
  exclusive: boolean;
  /** Runs executed at once (`limits.runConcurrency`). */
  concurrency: number;
  /** Starts a run gets; one cut off this often is failed at the next start, not queued again. */
  maxRunAttempts: number;
}

/**
 * Executes queued runs in this process, oldest first, up to `concurrency` at once and at most one per council
 * (each run reads its homes concurrently): a council's slow run holds only that council's later runs, never
 * another council's. The queue itself is the `runs` table, so nothing is lost when the process stops; several
 * processes on one PostgreSQL share it safely, since a run is claimed with a conditional update.
 */
export class InProcessRunQueue implements RunQueue {
  private readonly deps: InProcessRunQueueDeps;
  private readonly abort = new AbortController();
  /** Runs executing now, by id, with their council and the promise that settles when they end. */
  private readonly executing = new Map<string, { councilId: string; ended: Promise<void> }>();
  private filling: Promise<void> | null = null;
  private again = false;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(deps: InProcessRunQueueDeps) {
    this.deps = deps;
  }

  async start(): Promise<void> {
    await this.requeueInterrupted();
    this.kick();
    if (!this.deps.exclusive) {
      this.sweeper = setInterval(() => {
        this.requeueInterrupted().then(
          () => this.kick(),
          () => undefined,
        );
      }, SWEEP_INTERVAL_MS);
      this.sweeper.unref();
    }
  }

  /** Queues again the runs whose process stopped while running them, and fails those out of attempts. */
  private async requeueInterrupted(): Promise<void> {
    const { db, clock, exclusive, maxRunAttempts, logger } = this.deps;
    const now = clock();
    const staleBefore = new Date(exclusive ? now.getTime() + 1 : now.getTime() - STALE_RUN_MS);
    const { requeued, failed } = await requeueInterruptedRuns(db, staleBefore, maxRunAttempts, now);
    if (requeued.length > 0) logger.info({ runs: requeued }, 'interrupted runs queued again');
    if (failed.length > 0)
      logger.error({ runs: failed, maxRunAttempts }, 'interrupted runs out of attempts: failed');
  }

  async enqueue(_runId: string): Promise<void> {
    this.kick();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.abort.abort();
    const ending = [...this.executing.values()].map((run) => run.ended);
    if (this.filling !== null) ending.push(this.filling);
    if (ending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_GRACE_MS);
    });
    await Promise.race([Promise.all(ending), timeout]);
    clearTimeout(timer);
  }

  /** Looks for queued runs to start, or asks the look in progress to look again when it is done. */
  private kick(): void {
    if (this.abort.signal.aborted) return;
    if (this.filling !== null) {
      this.again = true;
      return;
    }
    this.again = false;
    this.filling = this.fill()
      .catch((error: unknown) => {
        this.deps.logger.error(
          { error: error instanceof Error ? error.name : String(error) },
          'run queue failed',
        );
      })
      .finally(() => {
        this.filling = null;
        if (this.again) this.kick();
      });
  }

  /** Starts queued runs, oldest first, while there is room, skipping councils that have a run executing here. */
  private async fill(): Promise<void> {
    if (this.executing.size >= this.deps.concurrency) return;
    const busy = new Set([...this.executing.values()].map((run) => run.councilId));
    for (const run of await listQueuedRuns(this.deps.db)) {
      if (this.executing.size >= this.deps.concurrency || this.abort.signal.aborted) return;
      if (this.executing.has(run.id) || busy.has(run.council_id)) continue;
      busy.add(run.council_id);
      this.begin(run);
    }
  }

  /** Executes one run; when it ends, its place goes to the next queued run. */
  private begin(run: QueuedRun): void {
    const ended = this.deps.executor
      .execute(run.id, this.abort.signal)
      .then(
        () => undefined,
        (error: unknown) => {
          // The executor fails runs itself; this is its own failure (e.g. the database). The run stays marked
          // running, as after a crash: the next start queues it again or, out of attempts, fails it.
          this.deps.logger.error(
            { runId: run.id, error: error instanceof Error ? error.name : String(error) },
            'run stopped unexpectedly',
          );
        },
      )
      .finally(() => {
        this.executing.delete(run.id);
        this.kick();
      });
    this.executing.set(run.id, { councilId: run.council_id, ended });
  }
}
