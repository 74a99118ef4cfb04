// A home's report: its measurement sharded by Prio3 (Sum, Histogram or SumVec), each input share sealed to its
// aggregator; never the value.
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { ValidationError } from '../errors.ts';
import { Prio3Histogram, Prio3SumVec } from '@divviup/prio3';
import { bandOf, type HomeValue, type MetricId } from '../metrics/index.ts';
import { isHistogramEncoding, type HistogramEncoding } from './histogram-encoding.ts';
import {
  HELPER,
  LEADER,
  encodingMetrics,
  encodingWidth,
  vdafFor,
  type Prio3Encoding,
  type Prio3ReportEncoding,
  type Prio3Vdaf,
} from './prio3-sum.ts';
import { sealInputShare, type SealedShare } from './share-encryption.ts';
import { encodeHomeValue, type SumEncoding } from './sum-encoding.ts';
import {
  countedMetrics,
  encodeHomeVector,
  isSumVectorEncoding,
  type SumVectorEncoding,
} from './sum-vector-encoding.ts';

/** One aggregator as a home sees it: a stable id (its WebID or URL) and its HPKE public key. */
export interface AggregatorDescriptor {
  id: string;
  publicKey: Uint8Array;
}

/** What homes and both aggregators agree on for one collection: an id and the two aggregators, leader first. */
export interface Prio3Task {
  id: string;
  aggregators: readonly [leader: AggregatorDescriptor, helper: AggregatorDescriptor];
}

/** A report as stored in the pod: metadata in the clear, the value only as two sealed shares. */
export interface Prio3Report<E extends Prio3ReportEncoding = Prio3Encoding> {
  taskId: string;
  /** 16 random bytes; also the VDAF nonce, as in DAP. */
  reportId: Uint8Array;
  encoding: E;
  publicShare: Uint8Array;
  /** Sealed input shares, leader's first. */
  shares: readonly [SealedShare, SealedShare];
  /**
   * A vector report's metrics the home counts for, stated openly (hd:countsFor): the leader takes each metric's
   * cohort from it, and the collector checks it against the summed inclusion bits (releaseCollectedVector).
   */
  countsFor?: readonly MetricId[];
}

/** Whether a report is about one metric (Sum or Histogram), not a vector of several. */
export function isMetricReport(report: Prio3Report<Prio3ReportEncoding>): report is Prio3Report {
  return !isSumVectorEncoding(report.encoding);
}

/** Random bytes; node:crypto in production, a fixed stream in tests that need repeatable reports. */
export type RandomBytes = (length: number) => Uint8Array;

/**
 * The associated data an input share is sealed with (DAP's InputShareAad): task, metric, period, width, report id
 * and public share. Changing any of them after sealing makes both shares refuse to open.
 */
export function inputShareAad(
  report: Pick<Prio3Report<Prio3ReportEncoding>, 'taskId' | 'reportId' | 'encoding' | 'publicShare'>,
): Uint8Array {
  const metrics = encodingMetrics(report.encoding);
  const { period } = report.encoding;
  const width = encodingWidth(report.encoding);
  const header = Buffer.from(`${report.taskId}\u0000${metrics}\u0000${period}\u0000${width}\u0000`, 'utf8');
  return Buffer.concat([header, report.reportId, report.publicShare]);
}

/**
 * Shards a home's value for one metric and period into a report for `task`: the value is clamped and put on the
 * encoding's grid (encodeHomeValue), split by Prio3Sum with a proof that it lies in [0, 2^bits), and each input
 * share is sealed to its own aggregator. The returned report holds no plaintext measurement.
 */
export async function createReport(
  task: Prio3Task,
  encoding: SumEncoding,
  value: number,
  randomBytes: RandomBytes = cryptoRandomBytes,
): Promise<Prio3Report<SumEncoding>> {
  return createReportFromMeasurement(task, encoding, encodeHomeValue(encoding, value), randomBytes);
}

/**
 * Shards a home's value of a banded metric: the index of its band, one-hot, proved one-hot by Prio3Histogram, each
 * share sealed to its aggregator.
 */
export async function createHistogramReport(
  task: Prio3Task,
  encoding: HistogramEncoding,
  value: number,
  randomBytes: RandomBytes = cryptoRandomBytes,
): Promise<Prio3Report<HistogramEncoding>> {
  return createReportFromMeasurement(task, encoding, BigInt(bandOf(encoding, value)), randomBytes);
}

/** A home's report of `value` under either encoding: the index of its band for a histogram, the value for a sum. */
export async function createHomeReport(
  task: Prio3Task,
  encoding: Prio3Encoding,
  value: number,
  randomBytes: RandomBytes = cryptoRandomBytes,
): Promise<Prio3Report> {
  return isHistogramEncoding(encoding)
    ? createHistogramReport(task, encoding, value, randomBytes)
    : createReport(task, encoding, value, randomBytes);
}

/**
 * Shards a home's values of several sum metrics of one period as one vector report (sum-vector-encoding.ts): per
 * metric its inclusion bit and value, one proof for all, each share sealed to its aggregator. A metric the home does
 * not count for (absent from `values`, or not `included`) travels as zeros, so it adds to neither sum nor count.
 */
export async function createVectorReport(
  task: Prio3Task,
  encoding: SumVectorEncoding,
  values: ReadonlyMap<string, Pick<HomeValue, 'included' | 'value'>>,
  randomBytes: RandomBytes = cryptoRandomBytes,
): Promise<Prio3Report<SumVectorEncoding>> {
  const report = await createReportFromMeasurement(
    task,
    encoding,
    encodeHomeVector(encoding, values),
    randomBytes,
  );
  return { ...report, countsFor: countedMetrics(encoding, values) };
}

/** A measurement as the VDAFs take it: a sum's integer, a histogram's band index (as bigint), a vector's entries. */
export type Measurement = bigint | readonly number[];

/** Shards with any VDAF: a histogram's measurement is a band index, a sum's the integer, a vector's its entries. */
function shard(vdaf: Prio3Vdaf, measurement: Measurement, nonce: Buffer, rand: Buffer) {
  if (vdaf instanceof Prio3SumVec) {
    if (typeof measurement === 'bigint') throw new TypeError('A vector measurement is a list of entries');
    return vdaf.shard([...measurement], nonce, rand);
  }
  if (typeof measurement !== 'bigint') throw new TypeError('A sum or histogram measurement is one integer');
  return vdaf instanceof Prio3Histogram
    ? vdaf.shard(Number(measurement), nonce, rand)
    : vdaf.shard(measurement, nonce, rand);
}

/** As createReport, from an already encoded measurement (the bench and the tests of the validity proof use it). */
export async function createReportFromMeasurement<E extends Prio3ReportEncoding>(
  task: Prio3Task,
  encoding: E,
  measurement: Measurement,
  randomBytes: RandomBytes = cryptoRandomBytes,
): Promise<Prio3Report<E>> {
  const vdaf = vdafFor(encoding);
  const reportId = randomBytes(vdaf.nonceSize);
  let sharded;
  try {
    sharded = await shard(vdaf, measurement, Buffer.from(reportId), Buffer.from(randomBytes(vdaf.randSize)));
  } catch {
    throw new ValidationError('A measurement is outside the range of its encoding', {
      metricId: encodingMetrics(encoding),
      width: encodingWidth(encoding),
    });
  }
  const publicShare = new Uint8Array(vdaf.encodePublicShare(sharded.publicShare));
  const aad = inputShareAad({ taskId: task.id, reportId, encoding, publicShare });
  const [leaderShare, helperShare] = sharded.inputShares as [
    (typeof sharded.inputShares)[number],
    (typeof sharded.inputShares)[number],
  ];
  const shares = [
    await sealInputShare(task.aggregators[LEADER].publicKey, LEADER, vdaf.encodeInputShare(leaderShare), aad),
    await sealInputShare(task.aggregators[HELPER].publicKey, HELPER, vdaf.encodeInputShare(helperShare), aad),
  ] as const;
  return { taskId: task.id, reportId, encoding, publicShare, shares };
}
