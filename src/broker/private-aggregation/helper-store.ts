// The helper aggregator's own database: open jobs, collected batches and their aggregate shares, on PGlite or PostgreSQL.
import { createHash } from 'node:crypto';
import { ConflictError } from '../../errors.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { MigrationSet } from '../db/migrate.ts';
import { openBrokerDatabase, type DatabaseTarget } from '../db/open-database.ts';

/** The helper's schema history, kept apart from the broker's (its own table and lock). */
export const HELPER_MIGRATIONS: MigrationSet = {
  dir: new URL('./helper-migrations/', import.meta.url),
  table: 'helper_migrations',
  lockKey: 727_016,
};

/** A cell's batches are those of one task, metric and period. */
export interface BatchScope {
  taskId: string;
  metricId: string;
  period: string;
}

/** An aggregation job between preparation and collection: the helper's output shares and whose reports they are. */
export interface HelperJob extends BatchScope {
  jobId: string;
  /** Ids (hex) of the reports behind `outputShares`, in order. */
  reportIds: string[];
  outputShares: bigint[][];
}

/** The helper's aggregate share of a batch, and whether it was given before (the same bytes again). */
export interface CollectedBatch {
  reportCount: number;
  /** Encoded aggregate share, base64. */
  share: string;
  /** How many times this batch has now been collected. */
  queryCount: number;
}

interface JobRow {
  job_id: string;
  task_id: string;
  metric_id: string;
  period: string;
  report_ids: string[];
  output_shares: string[][] | string;
}

/** The batch of exactly these reports: SHA-256 of the sorted ids, so the same set names the same batch. */
export function batchIdOf(reportIds: readonly string[]): string {
  return createHash('sha256')
    .update([...reportIds].sort().join('\n'))
    .digest('hex');
}

/** PostgreSQL's unique_violation: two collections raced for one report. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/** Reads and writes the helper's tables; the only module that does. */
export class HelperStore {
  readonly db: Database;
  private readonly maxOpenJobs: number;

  constructor(db: Database, maxOpenJobs: number) {
    this.db = db;
    this.maxOpenJobs = maxOpenJobs;
  }

  /** Opens (and migrates) the helper's database. */
  static async open(target: DatabaseTarget, maxOpenJobs: number): Promise<HelperStore> {
    return new HelperStore(await openBrokerDatabase(target, HELPER_MIGRATIONS), maxOpenJobs);
  }

  /** Keeps a prepared job; past `maxOpenJobs` the oldest are dropped (a leader that never collects cannot fill the disk). */
  async saveJob(job: HelperJob): Promise<void> {
    const shares = job.outputShares.map((share) => share.map((element) => element.toString()));
    await this.db.transaction(async (tx) => {
      await tx.query(
        'INSERT INTO helper_jobs (job_id, task_id, metric_id, period, report_ids, output_shares) ' +
          'VALUES ($1, $2, $3, $4, $5, $6)',
        [job.jobId, job.taskId, job.metricId, job.period, job.reportIds, JSON.stringify(shares)],
      );
      await tx.query(
        'DELETE FROM helper_jobs WHERE job_id IN (SELECT job_id FROM helper_jobs ' +
          'ORDER BY created_at DESC, job_id OFFSET $1)',
        [this.maxOpenJobs],
      );
    });
  }

  /** Removes and returns a job; null when there is none (never made, dropped, or collected already). */
  async takeJob(jobId: string): Promise<HelperJob | null> {
    const [row] = await this.db.query<JobRow>('DELETE FROM helper_jobs WHERE job_id = $1 RETURNING *', [
      jobId,
    ]);
    if (row === undefined) return null;
    const shares = typeof row.output_shares === 'string' ? JSON.parse(row.output_shares) : row.output_shares;
    return {
      jobId: row.job_id,
      taskId: row.task_id,
      metricId: row.metric_id,
      period: row.period,
      reportIds: row.report_ids,
      outputShares: (shares as string[][]).map((share) => share.map((element) => BigInt(element))),
    };
  }

  /**
   * Collects the batch of `reportIds` (DAP: at most `maxQueries` times). The same set as an earlier collection
   * gets the stored share back (nothing new is learnt, the noise is the same); a set that shares a report with an
   * earlier, different batch of the same scope is refused (`batch-overlap`), since the two sums would difference
   * out the homes in one and not the other; a new batch gets `compute()`, stored before it is returned.
   */
  async collect(
    scope: BatchScope,
    reportIds: readonly string[],
    maxQueries: number,
    compute: () => string,
  ): Promise<CollectedBatch> {
    const batchId = batchIdOf(reportIds);
    const key = [scope.taskId, scope.metricId, scope.period];
    try {
      return await this.db.transaction(async (tx) => {
        const earlier = await this.storedBatch(tx, key, batchId);
        if (earlier !== null) {
          if (earlier.queryCount >= maxQueries) {
            throw new ConflictError(
              'batch-query-limit',
              `This batch was collected ${earlier.queryCount} times, the most the helper allows`,
              { ...scope, maxBatchQueryCount: maxQueries },
            );
          }
          await tx.query(
            'UPDATE helper_batches SET query_count = query_count + 1, last_collected_at = now() ' +
              'WHERE task_id = $1 AND metric_id = $2 AND period = $3 AND batch_id = $4',
            [...key, batchId],
          );
          return { ...earlier, queryCount: earlier.queryCount + 1 };
        }
        const [overlap] = await tx.query<{ reports: number; batches: number }>(
          'SELECT count(*)::int AS reports, count(DISTINCT batch_id)::int AS batches FROM helper_batch_reports ' +
            'WHERE task_id = $1 AND metric_id = $2 AND period = $3 AND report_id = ANY($4::text[])',
          [...key, reportIds],
        );
        if (overlap !== undefined && overlap.reports > 0) throw overlapError(scope, overlap);
        const share = compute();
        await tx.query(
          'INSERT INTO helper_batches (task_id, metric_id, period, batch_id, report_count, aggregate_share) ' +
            'VALUES ($1, $2, $3, $4, $5, $6)',
          [...key, batchId, reportIds.length, share],
        );
        await tx.query(
          'INSERT INTO helper_batch_reports (task_id, metric_id, period, report_id, batch_id) ' +
            'SELECT $1, $2, $3, report_id, $5 FROM unnest($4::text[]) AS report_id',
          [...key, reportIds, batchId],
        );
        return { reportCount: reportIds.length, share, queryCount: 1 };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw overlapError(scope, { reports: 1, batches: 1 });
      throw error;
    }
  }

  private async storedBatch(
    tx: Queryable,
    key: readonly string[],
    batchId: string,
  ): Promise<CollectedBatch | null> {
    const [row] = await tx.query<{ report_count: number; aggregate_share: string; query_count: number }>(
      'SELECT report_count, aggregate_share, query_count FROM helper_batches ' +
        'WHERE task_id = $1 AND metric_id = $2 AND period = $3 AND batch_id = $4 FOR UPDATE',
      [...key, batchId],
    );
    if (row === undefined) return null;
    return {
      reportCount: Number(row.report_count),
      share: row.aggregate_share,
      queryCount: Number(row.query_count),
    };
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

function overlapError(scope: BatchScope, overlap: { reports: number; batches: number }): ConflictError {
  return new ConflictError(
    'batch-overlap',
    'Reports of this batch were collected before in a different batch of the same task, metric and period: ' +
      'the two sums would give away the homes that are in one and not the other',
    { ...scope, overlappingReports: overlap.reports, earlierBatches: overlap.batches },
  );
}
