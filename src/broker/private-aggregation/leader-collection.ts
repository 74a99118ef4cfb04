// The broker as Prio3 leader: prepares its share of each report, lets the helper decide validity, sums its shares.
import { Buffer } from 'node:buffer';
import { ConflictError, ValidationError } from '../../errors.ts';
import type { Logger } from '../../logging.ts';
import { getMetric } from '../../metrics/index.ts';
import {
  cryptoRandomSource,
  minimumCohort,
  suppressedCell,
  type CellRelease,
  type RandomSource,
} from '../../privacy/index.ts';
import {
  aggregateShare,
  finishPreparation,
  releaseCollection,
  startPreparation,
  encodingMetrics,
  reportIdHex,
  type AggregatorKeys,
  type Prio3Encoding,
  type Prio3Report,
  type Prio3ReportEncoding,
} from '../../private-aggregation/index.ts';
import { parseInput } from '../http/validate.ts';
import {
  aggregateShareResponseSchema,
  aggregationJobResponseSchema,
  type AggregateShareRequest,
  type AggregateShareResponse,
  type AggregationJobRequest,
  type AggregationJobResponse,
  type JobHome,
} from './helper-protocol.ts';

/** How the leader reaches the helper: over HTTP in production (httpHelperClient), in process in unit tests. */
export interface HelperClient {
  createJob(request: AggregationJobRequest): Promise<AggregationJobResponse>;
  aggregateShare(jobId: string, request: AggregateShareRequest): Promise<AggregateShareResponse>;
}

/** Whether fetch failed because the connection was reset or closed under it. */
function isConnectionReset(error: unknown): boolean {
  const cause = error instanceof TypeError ? (error.cause as { code?: unknown } | undefined) : undefined;
  return ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(String(cause?.code));
}

/** The helper at `baseUrl`, authenticated with the leader's bearer token; answers are checked with the schemas. */
export function httpHelperClient(
  baseUrl: string,
  token: string,
  fetchFn: typeof fetch = fetch,
): HelperClient {
  const send = (path: string, body: unknown) =>
    fetchFn(new URL(path, baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const post = async (path: string, body: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await send(path, body);
    } catch (error) {
      // A kept-alive connection the helper closed as the request went out (seen on a loaded machine): sent once
      // more on a new connection. Were the first one served after all, a second aggregate-share finds no job (404)
      // and the run fails loudly; the batch is stored, so running the request again gets the same share.
      if (!isConnectionReset(error)) throw error;
      response = await send(path, body);
    }
    // A proxy in front of the helper may answer with HTML; that is the helper failing, not a crash of the run.
    const answer: unknown = await response.json().catch(() => ({}));
    if (!response.ok) {
      const problem = answer as { type?: string; detail?: string };
      if (response.status === 409) {
        throw new ConflictError(
          'helper-refused',
          `The helper refused: ${problem.detail ?? response.status}`,
          {
            type: problem.type,
          },
        );
      }
      throw new ValidationError(`The helper answered ${response.status}`, { type: problem.type });
    }
    return answer;
  };
  return {
    async createJob(request) {
      return parseInput(
        aggregationJobResponseSchema,
        await post('prio3/aggregation-jobs', request),
        'helper answer',
      );
    },
    async aggregateShare(jobId, request) {
      const path = `prio3/aggregation-jobs/${encodeURIComponent(jobId)}/aggregate-share`;
      return parseInput(aggregateShareResponseSchema, await post(path, request), 'helper answer');
    },
  };
}

/** One batch of a Prio3 run: a cell's reports, or a vector's (several sum cells of the same homes). */
export interface Prio3BatchInput<E extends Prio3ReportEncoding = Prio3ReportEncoding> {
  keys: AggregatorKeys;
  taskId: string;
  /** A sum's (the cell releases a mean), a histogram's (homes per band) or a vector's (a mean per metric). */
  encoding: E;
  /** The consenting, enrolled homes' reports of this batch, read from their pods. */
  reports: readonly Prio3Report<E>[];
  /**
   * By report id (hex): the home each report came from and its consent record. The helper is told these homes,
   * not the reports: it reads each report itself. A report without a home here is not used.
   */
  homes: ReadonlyMap<string, JobHome>;
  helper: HelperClient;
  k: number;
  floor?: number;
  /** ε for each aggregator's noise on its share; absent: no DP. */
  epsilon?: number;
  random?: RandomSource;
}

/** One cell of a Prio3 run: a batch of one metric's reports. */
export type Prio3CellInput = Prio3BatchInput<Prio3Encoding>;

/**
 * Both aggregate shares of a batch (null: not aggregated, below max(k, floor) reports before or after the proofs,
 * or `overlapping`), the valid report count and the refusals by reason (from both aggregators).
 */
export interface Prio3BatchOutcome {
  shares: readonly [Uint8Array, Uint8Array] | null;
  /** The helper refused the batch as overlapping an earlier one: its cells are withheld (`secondary`). */
  overlapping: boolean;
  /** Reports both aggregators accepted. */
  valid: number;
  /** Ids (hex) of the reports both aggregators accepted: whose homes the released cell stands for. */
  validReportIds: string[];
  /** By reason: the leader's (RejectionReason) and the helper's (also `missing`, `malformed`, `unreadable`). */
  rejected: Record<string, number>;
}

/** The released cell of a one-metric batch, with the batch's counts. */
export type Prio3CellOutcome = Omit<Prio3BatchOutcome, 'shares' | 'overlapping'> & { release: CellRelease };

function addCounts(into: Record<string, number>, from: Partial<Record<string, number>>): void {
  for (const [reason, count] of Object.entries(from)) into[reason] = (into[reason] ?? 0) + (count ?? 0);
}

/**
 * Runs one cell as the leader (collectPrio3Batch) and releases it: a mean or bands, or the cell withheld when the
 * helper refused an overlapping batch, as the plain mode suppresses a release that would difference a home.
 */
export async function collectPrio3Cell(input: Prio3CellInput, logger: Logger): Promise<Prio3CellOutcome> {
  const { shares, overlapping, ...outcome } = await collectPrio3Batch(input, logger);
  const release = overlapping
    ? suppressedCell('secondary')
    : releaseCollection(input.encoding, shares, outcome.valid, input.k, input.floor);
  return { release, ...outcome };
}

/**
 * Runs one batch as the leader (DAP order: leader init → helper init and decide → leader finish → both aggregate
 * shares). A batch with fewer than max(k, floor) reports, before or after the proofs, is not aggregated at all:
 * no aggregate share is computed or asked for. The leader's path handles input shares, preparation shares and
 * output shares (uniformly random field elements without the helper's), never a measurement, and logs counts.
 */
export async function collectPrio3Batch(input: Prio3BatchInput, logger: Logger): Promise<Prio3BatchOutcome> {
  const { keys, taskId, encoding, helper, k, floor } = input;
  const metric = encodingMetrics(encoding);
  const reports = input.reports.filter((report) => input.homes.has(reportIdHex(report)));
  const additive = metric.split(',').find((metricId) => getMetric(metricId).additive);
  if (additive !== undefined) {
    throw new ValidationError('Additive metrics need the dominance check, which Prio3 cannot make', {
      metricId: additive,
    });
  }
  const minimum = minimumCohort(k, floor);
  const rejected: Record<string, number> = {};
  const withheld = (valid: number, validReportIds: string[], overlapping = false): Prio3BatchOutcome => ({
    shares: null,
    overlapping,
    valid,
    validReportIds,
    rejected,
  });
  if (reports.length < minimum) return withheld(0, []);
  const leaderStep = await startPreparation(keys, taskId, encoding, reports);
  addCounts(rejected, leaderStep.rejected);
  if (leaderStep.prepared.length < minimum) return withheld(0, []);
  const job = await helper.createJob({
    taskId,
    metricId: metric,
    period: encoding.period,
    // Only the homes of reports the leader could prepare; the helper reads and prepares each report itself.
    homes: leaderStep.prepared.map((report) => input.homes.get(report.reportId)!),
    leaderShares: Object.fromEntries(
      leaderStep.prepared.map((report) => [
        report.reportId,
        Buffer.from(report.preparationShare).toString('base64'),
      ]),
    ),
  });
  addCounts(rejected, job.rejected);
  const messages = new Map(
    Object.entries(job.messages).map(([id, message]) => [
      id,
      message === null ? null : new Uint8Array(Buffer.from(message, 'base64')),
    ]),
  );
  const finished = finishPreparation(encoding, leaderStep.prepared, messages);
  const valid = finished.outputShares.length;
  logger.info({ taskId, metric, period: encoding.period, valid, rejected }, 'prio3 cell prepared');
  if (valid < minimum) return withheld(valid, finished.reportIds);
  const random = input.random ?? cryptoRandomSource();
  const noise = input.epsilon === undefined ? undefined : { epsilon: input.epsilon, random };
  const leaderShare = aggregateShare(encoding, finished.outputShares, noise);
  let helperShare: AggregateShareResponse;
  try {
    helperShare = await helper.aggregateShare(job.jobId, {
      reportCount: valid,
      ...(input.epsilon === undefined ? {} : { epsilon: input.epsilon }),
    });
  } catch (error) {
    // The reports differ from an earlier collection of an overlapping batch (a home left or joined): the helper
    // gives no share, and the batch's cells are withheld as the plain mode suppresses a release that would
    // difference one.
    if (!(error instanceof ConflictError && String(error.context.type ?? '').endsWith('/batch-overlap'))) {
      throw error;
    }
    logger.warn(
      { taskId, metric, period: encoding.period, valid },
      'the helper refused a batch overlapping an earlier one; cell suppressed',
    );
    return withheld(valid, finished.reportIds, true);
  }
  if (helperShare.queryCount > 1) {
    logger.info(
      { taskId, metric, period: encoding.period, queryCount: helperShare.queryCount },
      'prio3 batch collected again: the helper gave its stored share',
    );
  }
  return {
    shares: [leaderShare, new Uint8Array(Buffer.from(helperShare.share, 'base64'))],
    overlapping: false,
    valid,
    validReportIds: finished.reportIds,
    rejected,
  };
}
