// Executes one run: reads each consenting home, computes its values in memory, releases the cells, stores only those.
import { ConfigError, ConflictError, HomedataError } from '../../errors.ts';
import type { Logger } from '../../logging.ts';
import { roundToNearest5, type RandomSource } from '../../privacy/index.ts';
import { releaseCohorts, type ReleasePolicy } from '../aggregation/cell-release.ts';
import { cellLabel, CohortTable, type CohortMember } from '../aggregation/cohorts.ts';
import { readHome, type ConsentedReader, type SkipReason } from '../aggregation/home-reader.ts';
import { computeHomeResults, type HomeValueEntry, type LeftOutEntry } from '../aggregation/home-values.ts';
import { planRun, type RunPlan } from '../aggregation/run-plan.ts';
import type { CellRelease } from '../../privacy/index.ts';
import type { Cohort } from '../aggregation/cohorts.ts';
import type { Prio3Leader } from '../private-aggregation/leader-config.ts';
import { collectCells, Prio3CellTable, readPrio3Home } from '../private-aggregation/prio3-run.ts';
import { DEFAULT_LIMITS, type BrokerLimits } from '../config.ts';
import { listActiveConsents, type ActiveConsentRow } from '../consents/consent-reader.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { RunRow } from '../db/schema/runs.ts';
import { assertCellsWithinLimit } from '../requests/request-bounds.ts';
import { findRequest, type RequestWithCouncil } from '../requests/request-reader.ts';
import { forEachBounded } from '../../bounded-concurrency.ts';
import { MISSED_DEADLINE, withinDeadline } from './home-deadline.ts';
import { loadHomeKeyer, type HomeKeyer } from './home-keys.ts';
import { readReleaseHistory } from './run-reader.ts';
import { progressPercent } from './run-progress.ts';
import { claimRun, failRun, finishRun, lockReleases, recordProgress, requeueRun } from './run-transactor.ts';

/**
 * Homes read at once: the pod server is the limit (16 at once gave no more: docs/aggregation.md, Benchmark), and a
 * few in flight keep it busy.
 */
export const DEFAULT_HOME_CONCURRENCY = 8;

/** Progress is written at most this often: each write is a database round trip. */
const PROGRESS_INTERVAL_MS = 500;

/** Everything a run is executed with. */
export interface RunExecutorDeps {
  db: Database;
  reader: ConsentedReader;
  clock: () => Date;
  logger: Logger;
  /** The CSPRNG DP noise is drawn from (a seeded source in tests). */
  random: RandomSource;
  /** The server floor for k. */
  kFloor: number;
  homeConcurrency?: number;
  /** Cells per run, attempts per run and the per-home deadline; default DEFAULT_LIMITS. */
  limits?: Pick<BrokerLimits, 'maxCells' | 'maxRunAttempts' | 'homeDeadlineMs'>;
  /** The broker as Prio3 leader (config `privateAggregation`); absent, a prio3 request's run fails. */
  prio3?: Prio3Leader;
}

/** How an execution ended: `skipped` when the run was not queued any more (another worker took it). */
export type RunEnd = 'done' | 'failed' | 'interrupted' | 'skipped';

/** What a claimed run works from. */
export interface RunSetup {
  run: RunRow;
  request: RequestWithCouncil;
  plan: RunPlan;
  /** max(request minCohort, server floor). */
  k: number;
  keyOf: HomeKeyer;
}

/** One home as read for a run: where it counts and its values (in memory only). */
export interface HomeResult {
  member: CohortMember;
  values: HomeValueEntry[];
  /** Metric-periods it was left out of for its data (counted per cell, never released per home). */
  leftOut: LeftOutEntry[];
}

/** Thrown inside a run when the broker is stopping; the run goes back to the queue. */
class RunInterrupted extends Error {}

// Error messages may quote a URL (a pod's): such text must never reach a council, a log line or the database.
const URL_PATTERN = /\bhttps?:\/\/\S+/gi;

/** A message with every URL replaced. */
function withoutUrls(message: string): string {
  return message.replace(URL_PATTERN, '<url>');
}

/**
 * Executes runs; holds no state between them. `execute` runs a whole run in this process; the steps it is made of
 * are public so that a run can also be shared out between processes (sharded-runs.ts).
 */
export class RunExecutor {
  private readonly deps: RunExecutorDeps;
  private readonly limits: Pick<BrokerLimits, 'maxCells' | 'maxRunAttempts' | 'homeDeadlineMs'>;

  constructor(deps: RunExecutorDeps) {
    this.deps = deps;
    this.limits = deps.limits ?? DEFAULT_LIMITS;
  }

  /** Claims a queued run and executes it to the end; `signal` interrupts it between homes, leaving it queued. */
  async execute(runId: string, signal?: AbortSignal): Promise<RunEnd> {
    const { db, clock, logger } = this.deps;
    const run = await claimRun(db, runId, clock(), this.limits.maxRunAttempts);
    if (run === null) return 'skipped';
    const log = logger.child({ runId, requestId: run.request_id });
    try {
      await this.aggregate(await this.setUp(run), signal, log);
      log.info('run done');
      return 'done';
    } catch (error) {
      if (error instanceof RunInterrupted) {
        await requeueRun(db, run.id);
        log.info('run interrupted; queued again');
        return 'interrupted';
      }
      await this.fail(run, error);
      return 'failed';
    }
  }

  /** What a claimed run works from: its request, plan, k and home keys. */
  async setUp(run: RunRow): Promise<RunSetup> {
    const { db, clock, kFloor } = this.deps;
    const request = await findRequest(db, run.request_id);
    if (request === null) throw new HomedataError('not-found', 404, 'The request of this run is gone');
    const input = {
      metrics: request.metrics,
      areas: request.areas,
      period: { from: request.period_from, to: request.period_to },
      granularity: request.granularity,
      byDwellingType: request.split === 'dwellingType',
    };
    // Checked at run creation too; again here, before the plan is built, for runs queued under a higher limit.
    assertCellsWithinLimit(input, this.limits.maxCells);
    const plan = planRun(input);
    const k = Math.max(request.min_cohort, kFloor);
    return { run, request, plan, k, keyOf: await loadHomeKeyer(db, clock()) };
  }

  /**
   * The consents a run reads: active now and in one of the request's areas. Consents for other areas are not
   * read at all: data minimisation before the first GET.
   */
  async consentsToRead(setup: RunSetup): Promise<ActiveConsentRow[]> {
    const consents = await listActiveConsents(this.deps.db, setup.request.id, this.deps.clock());
    return consents.filter((consent) => setup.plan.areas.includes(consent.area));
  }

  /**
   * Reads one home through the audited reader and computes its values; a skip reason when it gives none. A home
   * whose reads miss `limits.homeDeadlineMs` counts as unreadable (`pod-failed`), so that one slow or silent pod
   * costs a run at most the deadline.
   */
  async readHomeValues(setup: RunSetup, consent: ActiveConsentRow): Promise<HomeResult | SkipReason> {
    const home = await withinDeadline(
      readHome(this.deps.reader, consent, setup.plan, setup.run.id),
      this.limits.homeDeadlineMs,
    );
    if (home === MISSED_DEADLINE) return 'pod-failed';
    if (typeof home === 'string') return home;
    return {
      member: { key: setup.keyOf(consent.home_id), ...home.profile, versions: home.versions },
      ...computeHomeResults(setup.plan, home.summaries, home.profile.timeZone),
    };
  }

  /**
   * Reads every home to read through `readOne` (a few at once), which answers why a home was skipped or whether it
   * counted; records progress as homes finish and logs the skips by reason. Returns how many homes counted.
   * Throws RunInterrupted when `signal` aborts.
   */
  private async readHomes(
    setup: RunSetup,
    signal: AbortSignal | undefined,
    log: Logger,
    readOne: (consent: ActiveConsentRow) => Promise<SkipReason | boolean>,
  ): Promise<number> {
    const { db, clock } = this.deps;
    const consents = await this.consentsToRead(setup);
    const skipped: Record<SkipReason, number> = { 'consent-inactive': 0, 'pod-failed': 0, 'no-profile': 0 };
    let counted = 0;
    let done = 0;
    let lastProgress = 0;
    await forEachBounded(
      consents,
      this.deps.homeConcurrency ?? DEFAULT_HOME_CONCURRENCY,
      async (consent) => {
        const outcome = await readOne(consent);
        if (typeof outcome === 'string') skipped[outcome]++;
        else if (outcome) counted++;
        done++;
        if (Date.now() - lastProgress >= PROGRESS_INTERVAL_MS) {
          lastProgress = Date.now();
          await recordProgress(db, setup.run.id, progressPercent(done, consents.length, setup.k), clock());
        }
      },
      () => signal?.aborted === true,
    );
    if (signal?.aborted) throw new RunInterrupted();
    log.info({ ...skipped }, 'homes read');
    return counted;
  }

  /** Reads every home, then releases and stores the cells. */
  private async aggregate(setup: RunSetup, signal: AbortSignal | undefined, log: Logger): Promise<void> {
    if (setup.request.aggregation === 'prio3') return this.aggregatePrio3(setup, signal, log);
    const table = new CohortTable(setup.plan);
    try {
      const counted = await this.readHomes(setup, signal, log, async (consent) => {
        const home = await this.readHomeValues(setup, consent);
        if (typeof home === 'string') return home;
        table.addLeftOut(home.member, home.leftOut);
        return table.add(home.member, home.values);
      });
      await this.release(setup, table, counted);
    } finally {
      // Per-home values live only in this table: gone when the run ends, whatever the outcome.
      table.clear();
    }
  }

  /**
   * A prio3 run: reads each consenting home's profile and its reports for this request (audited, as a plain run
   * reads summaries), then collects each cell through leader and helper, then releases as a plain run does. No
   * per-home value exists anywhere in this path: the leader holds sealed shares, its own opened share (random
   * without the helper's), and per cell the combined sum.
   */
  async aggregatePrio3(setup: RunSetup, signal: AbortSignal | undefined, log: Logger): Promise<void> {
    const leader = this.deps.prio3;
    if (leader === undefined) {
      throw new ConfigError('This broker has no helper aggregator configured (privateAggregation)');
    }
    const table = new Prio3CellTable(setup.plan);
    const counted = await this.readHomes(setup, signal, log, async (consent) => {
      const home = await withinDeadline(
        readPrio3Home(this.deps.reader, consent, setup.plan, leader, setup.run.id),
        this.limits.homeDeadlineMs,
      );
      if (home === MISSED_DEADLINE) return 'pod-failed';
      if (typeof home === 'string') return home;
      return table.add(
        setup.keyOf(consent.home_id),
        { pod: consent.pod, consentRecord: consent.record_iri },
        home,
      );
    });
    const { run, plan } = setup;
    const collected = await collectCells(table, {
      leader,
      taskId: setup.request.id,
      k: setup.k,
      floor: this.deps.kFloor,
      epsilonPerCell: run.epsilon === null ? null : run.epsilon / (plan.metrics.length * plan.periods.length),
      random: this.deps.random,
      logger: log,
    });
    log.info({ rejected: collected.rejected }, 'prio3 reports refused');
    await this.release(setup, { cohorts: () => collected.cohorts }, counted, undefined, (cohort) =>
      collected.releases.get(cellLabel(cohort))!,
    );
  }

  /**
   * Releases the cells and marks the run done, in one transaction under the broker-wide release lock, so that
   * the release history (every council's) cannot change between reading it and adding this run's releases.
   */
  async release(
    setup: RunSetup,
    table: Pick<CohortTable, 'cohorts'>,
    counted: number,
    alsoInTransaction?: (tx: Queryable) => Promise<void>,
    primary?: (cohort: Cohort) => CellRelease,
  ): Promise<void> {
    const { db, clock, random, kFloor } = this.deps;
    const { run, request, plan, k } = setup;
    const cellsPerHome = plan.metrics.length * plan.periods.length;
    const policy: ReleasePolicy = {
      k,
      floor: kFloor,
      // A home is in one area and one dwelling type, so it meets ε once per metric and period (sequential
      // composition over those, parallel over disjoint cohorts): the run's ε is split over its metric-periods.
      dp: run.epsilon === null ? null : { epsilonPerCell: run.epsilon / cellsPerHome, random },
      self: { run: run.id, request: request.id },
    };
    // Under DP only noisy counts may leave the broker: the exact overall count is not published.
    const homesOverall = counted >= k && run.epsilon === null ? roundToNearest5(counted) : null;
    await db.transaction(async (tx) => {
      await lockReleases(tx);
      const history = await readReleaseHistory(
        tx,
        plan.metrics.map((metric) => metric.id),
        plan.dates,
      );
      const release = releaseCohorts(table.cohorts(), policy, history, primary);
      await finishRun(tx, run, request.council_id, { release, k, homesOverall }, clock());
      await alsoInTransaction?.(tx);
    });
  }

  /** Marks the run failed with a message fit for the council, and logs what the operator needs. */
  async fail(run: Pick<RunRow, 'id' | 'request_id'>, error: unknown): Promise<void> {
    const known = error instanceof HomedataError;
    const problem = known ? error.problem : 'internal';
    const message =
      error instanceof ConflictError || (known && error.status < 500)
        ? withoutUrls(error.message)
        : 'The run failed; the broker logged the cause';
    this.deps.logger.error(
      {
        runId: run.id,
        requestId: run.request_id,
        problem,
        error: withoutUrls(error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
      },
      'run failed',
    );
    await failRun(this.deps.db, run.id, problem, message, this.deps.clock());
  }
}
