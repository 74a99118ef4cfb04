// The helper aggregator's HTTP app: prepares its share of each forwarded report, decides validity, sums on request.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Buffer } from 'node:buffer';
import express, { type Express, type Request } from 'express';
import { AuthenticationError, ConflictError, NotFoundError } from '../../errors.ts';
import type { Logger } from '../../logging.ts';
import { parsePeriod } from '../../metrics/index.ts';
import { cryptoRandomSource, minimumCohort, type RandomSource } from '../../privacy/index.ts';
import {
  HELPER,
  aggregateShare,
  decidePreparation,
  startPreparation,
  sumEncodingFor,
  type AggregatorKeys,
  type SumEncoding,
} from '../../private-aggregation/index.ts';
import { problemHandler } from '../../http-problem.ts';
import { parseInput } from '../http/validate.ts';
import { receiveReport } from './forwarded-report.ts';
import {
  aggregateShareRequestSchema,
  aggregationJobRequestSchema,
  type AggregateShareResponse,
  type AggregationJobResponse,
} from './helper-protocol.ts';

/** What the helper is configured with: its own key, the verify key it shares with the leader, its k. */
export interface HelperSettings {
  /** The helper's HPKE private key (raw X25519). */
  privateKey: Uint8Array;
  /** The VDAF verify key agreed with the leader. */
  verifyKey: Uint8Array;
  /** The bearer token the leader authenticates with (DAP: the leader's aggregator auth token). */
  leaderToken: string;
  /** The minimum batch size the helper enforces whatever the leader asks: max(k, floor). */
  minimumBatch: number;
  /** Open jobs kept at most (default MAX_OPEN_JOBS); past it the oldest is dropped. */
  maxOpenJobs?: number;
  random?: RandomSource;
}

/** Aggregation jobs the helper keeps open at most; a run has one per cell. */
export const MAX_OPEN_JOBS = 1000;

/** One aggregation job's output shares, held until the leader asks for the aggregate share once. */
interface Job {
  taskId: string;
  encoding: SumEncoding;
  outputShares: bigint[][];
  /** Ids of the reports behind `outputShares`. */
  reportIds: string[];
}

/** The key of one cell's batches: task, metric and period. */
function cellKey(taskId: string, encoding: SumEncoding): string {
  return `${taskId}\u0000${encoding.metricId}\u0000${encoding.period}`;
}

/** Whether the request carries the leader's token (compared in constant time). */
function authenticate(req: Request, token: string): void {
  const header = req.get('authorization') ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AuthenticationError('The helper answers only the leader');
  }
}

/**
 * The helper's express app. It holds no database: a job's output shares live in memory until the leader fetches
 * the aggregate share (then they are dropped), and it refuses to aggregate fewer than `minimumBatch` reports, or
 * any report twice (kept in memory per task, metric and period), so a leader cannot learn a small cohort's sum
 * through it, directly or by differencing overlapping batches. It never decodes a measurement.
 */
export function createHelperApp(settings: HelperSettings, logger: Logger): Express {
  const minimum = minimumCohort(settings.minimumBatch, 1);
  const random = settings.random ?? cryptoRandomSource();
  const keys: AggregatorKeys = {
    aggregatorId: HELPER,
    privateKey: settings.privateKey,
    verifyKey: settings.verifyKey,
  };
  const jobs = new Map<string, Job>();
  const maxOpenJobs = settings.maxOpenJobs ?? MAX_OPEN_JOBS;
  /** Report ids whose shares went into a released aggregate share, by task, metric and period. */
  const aggregatedReports = new Map<string, Set<string>>();
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64mb' }));

  app.post('/prio3/aggregation-jobs', async (req, res) => {
    authenticate(req, settings.leaderToken);
    const body = parseInput(aggregationJobRequestSchema, req.body);
    const encoding = sumEncodingFor(body.metricId, parsePeriod(body.period));
    const reports = body.reports.map((report) => receiveReport(body.taskId, encoding, report));
    const step = await startPreparation(keys, body.taskId, encoding, reports);
    const leaderShares = new Map(
      Object.entries(body.leaderShares).map(([id, share]) => [id, Buffer.from(share, 'base64')]),
    );
    const decided = await decidePreparation(encoding, step.prepared, leaderShares);
    const jobId = randomUUID();
    // Jobs whose share is never fetched would pile up: past the cap, the oldest is dropped (Maps keep insertion order).
    if (jobs.size >= maxOpenJobs) jobs.delete(jobs.keys().next().value!);
    const reportIds = [...decided.messages].filter(([, message]) => message !== null).map(([id]) => id);
    jobs.set(jobId, { taskId: body.taskId, encoding, outputShares: decided.outputShares, reportIds });
    const rejected: Record<string, number> = { ...step.rejected };
    for (const [reason, count] of Object.entries(decided.rejected))
      rejected[reason] = (rejected[reason] ?? 0) + count;
    const messages: Record<string, string | null> = {};
    for (const [id, message] of decided.messages) {
      messages[id] = message === null ? null : Buffer.from(message).toString('base64');
    }
    logger.info({ jobId, reports: reports.length, rejected }, 'aggregation job prepared');
    const response: AggregationJobResponse = { jobId, messages, rejected };
    res.status(201).json(response);
  });

  app.post('/prio3/aggregation-jobs/:jobId/aggregate-share', (req, res) => {
    authenticate(req, settings.leaderToken);
    const body = parseInput(aggregateShareRequestSchema, req.body);
    const job = jobs.get(req.params.jobId);
    if (job === undefined) throw new NotFoundError('No such aggregation job', { jobId: req.params.jobId });
    jobs.delete(req.params.jobId);
    const count = job.outputShares.length;
    if (count !== body.reportCount) {
      throw new ConflictError('batch-mismatch', 'Leader and helper aggregated different reports', {
        leader: body.reportCount,
        helper: count,
      });
    }
    if (count < minimum) {
      throw new ConflictError('batch-too-small', 'The batch is below the minimum batch size', { minimum });
    }
    // Each report is aggregated once (DAP: max batch query count 1). Two overlapping batches would let the leader
    // difference them: A = homes 1–10 and B = homes 2–11 give home 1 − home 11.
    const key = cellKey(job.taskId, job.encoding);
    const aggregated = aggregatedReports.get(key) ?? new Set<string>();
    if (job.reportIds.some((id) => aggregated.has(id))) {
      throw new ConflictError('batch-overlap', 'A report of this batch was already aggregated', {
        taskId: job.taskId,
      });
    }
    for (const id of job.reportIds) aggregated.add(id);
    aggregatedReports.set(key, aggregated);
    const noise = body.epsilon === undefined ? undefined : { epsilon: body.epsilon, random };
    const share = aggregateShare(job.encoding, job.outputShares, noise);
    const response: AggregateShareResponse = {
      reportCount: count,
      share: Buffer.from(share).toString('base64'),
    };
    res.json(response);
  });

  app.use(problemHandler(logger));
  return app;
}
