// The helper aggregator's HTTP app: reads the job's reports from the pods itself, prepares its share of each, sums on request.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Buffer } from 'node:buffer';
import express, { type Express, type Request } from 'express';
import { AuthenticationError, ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import type { Logger } from '../../logging.ts';
import { parsePeriod } from '../../metrics/index.ts';
import { PodLayout } from '../../pod/index.ts';
import { cryptoRandomSource, minimumCohort, type RandomSource } from '../../privacy/index.ts';
import {
  HELPER,
  aggregateShare,
  decidePreparation,
  encodingMetrics,
  reportEncodingFor,
  startPreparation,
  type AggregatorKeys,
} from '../../private-aggregation/index.ts';
import { problemHandler } from '../../http-problem.ts';
import { parseInput } from '../http/validate.ts';
import {
  aggregateShareRequestSchema,
  aggregationJobRequestSchema,
  type AggregateShareResponse,
  type AggregationJobResponse,
  type JobHome,
} from './helper-protocol.ts';
import type { HelperStore } from './helper-store.ts';
import { readCellReports, type ReadDocument } from './report-reader.ts';

/** What the helper is configured with: its own key and identity, the verify key it shares with the leader, its k. */
export interface HelperSettings {
  /** The helper's HPKE private key (raw X25519). */
  privateKey: Uint8Array;
  /** The VDAF verify key agreed with the leader. */
  verifyKey: Uint8Array;
  /** The bearer token the leader authenticates with (DAP: the leader's aggregator auth token). */
  leaderToken: string;
  /** The minimum batch size the helper enforces whatever the leader asks: max(k, floor). */
  minimumBatch: number;
  /** The WebIDs a report's shares must be sealed to: the leader's (aggregator 0) and this helper's (aggregator 1). */
  aggregatorIds: readonly [leader: string, helper: string];
  /** Reads a report document with the helper's own identity (helperReportReader in production). */
  readDocument: ReadDocument;
  /** The helper's own database: open jobs and collected batches. */
  store: HelperStore;
  /** How often one batch may be collected (DAP max_batch_query_count); default DEFAULT_MAX_BATCH_QUERY_COUNT. */
  maxBatchQueryCount?: number;
  random?: RandomSource;
}

/** Aggregation jobs the helper keeps open at most; a run has one per cell. */
export const MAX_OPEN_JOBS = 1000;

/**
 * Collections of one batch the helper answers by default. Each gets the same stored share, so the count bounds
 * only how often a council may re-run the same request over the same reports, not what it learns.
 */
export const DEFAULT_MAX_BATCH_QUERY_COUNT = 10;

/** Whether the request carries the leader's token (compared in constant time). */
function authenticate(req: Request, token: string): void {
  const header = req.get('authorization') ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AuthenticationError('The helper answers only the leader');
  }
}

/** The homes of a job, each once, each with its consent record inside its own pod. */
function checkHomes(homes: readonly JobHome[]): void {
  const pods = new Set<string>();
  for (const home of homes) {
    if (pods.has(home.pod)) throw new ValidationError('A home is named twice in one job', { pod: home.pod });
    pods.add(home.pod);
    if (!home.consentRecord.startsWith(home.pod)) {
      throw new ValidationError('A consent record lies outside the home’s pod', { pod: home.pod });
    }
  }
}

/**
 * The helper's express app. The leader names a job's homes (consenting, enrolled) and gives its preparation
 * shares; the helper reads each home's report from the pod itself, with its own identity (a home that does not
 * consent grants it no Read), checks it is for the job's task, metric and period and sealed to this pair, opens
 * only its own share and decides the proofs. It refuses a job naming fewer homes than its minimum batch, and an
 * aggregate share below it. Jobs and collected batches live in its own database (HelperStore): a batch of the same
 * reports gets its stored share again (at most `maxBatchQueryCount` times), a different batch sharing a report
 * with a collected one is refused. It never decodes a measurement.
 */
export function createHelperApp(settings: HelperSettings, logger: Logger): Express {
  const minimum = minimumCohort(settings.minimumBatch, 1);
  const maxQueries = settings.maxBatchQueryCount ?? DEFAULT_MAX_BATCH_QUERY_COUNT;
  const random = settings.random ?? cryptoRandomSource();
  const [leaderId, helperId] = settings.aggregatorIds;
  const keys: AggregatorKeys = {
    aggregatorId: HELPER,
    privateKey: settings.privateKey,
    verifyKey: settings.verifyKey,
  };
  const { store } = settings;
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '16mb' }));

  app.post('/prio3/aggregation-jobs', async (req, res) => {
    authenticate(req, settings.leaderToken);
    const body = parseInput(aggregationJobRequestSchema, req.body);
    checkHomes(body.homes);
    if (body.homes.length < minimum) {
      throw new ConflictError('batch-too-small', 'The job names fewer homes than the minimum batch size', {
        minimum,
        homes: body.homes.length,
      });
    }
    const encoding = reportEncodingFor(body.metricId.split(','), parsePeriod(body.period));
    const read = await readCellReports(
      settings.readDocument,
      body.homes.map((home) => new PodLayout(home.pod)),
      { id: body.taskId, aggregators: [{ id: leaderId }, { id: helperId }] },
      encoding,
    );
    const reports = read.reports.map((found) => found.report);
    const step = await startPreparation(keys, body.taskId, encoding, reports);
    const leaderShares = new Map(
      Object.entries(body.leaderShares).map(([id, share]) => [id, Buffer.from(share, 'base64')]),
    );
    const decided = await decidePreparation(encoding, step.prepared, leaderShares);
    const jobId = randomUUID();
    const reportIds = [...decided.messages].filter(([, message]) => message !== null).map(([id]) => id);
    await store.saveJob({
      jobId,
      taskId: body.taskId,
      metricId: encodingMetrics(encoding),
      period: encoding.period,
      reportIds,
      outputShares: decided.outputShares,
    });
    const rejected: Record<string, number> = {};
    const count = (reason: string, n: number | undefined) => {
      if (n) rejected[reason] = (rejected[reason] ?? 0) + n;
    };
    count('missing', read.missing);
    count('malformed', read.malformed);
    count('unreadable', read.unreadable);
    for (const counts of [step.rejected, decided.rejected])
      for (const [reason, n] of Object.entries(counts)) count(reason, n);
    const messages: Record<string, string | null> = {};
    for (const [id, message] of decided.messages) {
      messages[id] = message === null ? null : Buffer.from(message).toString('base64');
    }
    logger.info(
      { jobId, taskId: body.taskId, homes: body.homes.length, accepted: reportIds.length, rejected },
      'aggregation job prepared',
    );
    const response: AggregationJobResponse = { jobId, messages, rejected };
    res.status(201).json(response);
  });

  app.post('/prio3/aggregation-jobs/:jobId/aggregate-share', async (req, res) => {
    authenticate(req, settings.leaderToken);
    const body = parseInput(aggregateShareRequestSchema, req.body);
    const jobId = String(req.params.jobId);
    const job = /^[0-9a-f-]{36}$/.test(jobId) ? await store.takeJob(jobId) : null;
    if (job === null) throw new NotFoundError('No such aggregation job', { jobId });
    const count = job.reportIds.length;
    if (count !== body.reportCount) {
      throw new ConflictError('batch-mismatch', 'Leader and helper aggregated different reports', {
        leader: body.reportCount,
        helper: count,
      });
    }
    if (count < minimum) {
      throw new ConflictError('batch-too-small', 'The batch is below the minimum batch size', { minimum });
    }
    const encoding = reportEncodingFor(job.metricId.split(','), parsePeriod(job.period));
    const noise = body.epsilon === undefined ? undefined : { epsilon: body.epsilon, random };
    let collected;
    try {
      collected = await store.collect(job, job.reportIds, maxQueries, () =>
        Buffer.from(aggregateShare(encoding, job.outputShares, noise)).toString('base64'),
      );
    } catch (error) {
      // The operator sees every refusal of the leader: a pattern of them is a leader probing for differences.
      if (error instanceof ConflictError) {
        logger.warn({ jobId, taskId: job.taskId, problem: error.problem }, 'aggregate share refused');
      }
      throw error;
    }
    logger.info(
      { jobId, taskId: job.taskId, reportCount: count, queryCount: collected.queryCount },
      'aggregate share given',
    );
    const response: AggregateShareResponse = {
      reportCount: collected.reportCount,
      share: collected.share,
      queryCount: collected.queryCount,
    };
    res.json(response);
  });

  app.use(problemHandler(logger));
  return app;
}
