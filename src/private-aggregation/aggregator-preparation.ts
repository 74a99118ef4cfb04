// One aggregator's side of VDAF preparation: open its own share, check the proof with the other's, sum output shares.
import { Buffer } from 'node:buffer';
import type { Prio3Sum } from '@divviup/prio3';
import {
  BAND_COUNTS_SENSITIVITY,
  sampleDiscreteLaplace,
  type RandomSource,
  type Rational,
} from '../privacy/index.ts';
import { inputShareAad, type Prio3Report } from './client-report.ts';
import { isHistogramEncoding } from './histogram-encoding.ts';
import {
  HELPER,
  LEADER,
  encodingMetrics,
  encodingWidth,
  vdafFor,
  type AggregatorId,
  type Prio3ReportEncoding,
} from './prio3-sum.ts';
import { decodeInputShare, decodePreparationShare, decodePublicShare } from './share-codec.ts';
import { openInputShare } from './share-encryption.ts';
import { largestMeasurement } from './sum-encoding.ts';
import { isSumVectorEncoding } from './sum-vector-encoding.ts';

type PreparationState = Awaited<ReturnType<Prio3Sum['prepareInit']>>['preparationState'];

/** What one aggregator holds for a collection: its role, its HPKE private key and the verify key both share. */
export interface AggregatorKeys {
  aggregatorId: AggregatorId;
  privateKey: Uint8Array;
  /** The VDAF verify key, shared by leader and helper only (never by homes or the collector). */
  verifyKey: Uint8Array;
}

/** Why a report was not used. Every rejected report is counted, none is aggregated. */
export type RejectionReason = 'wrong-task' | 'undecryptable' | 'malformed' | 'invalid-proof' | 'unmatched';

/** A report after this aggregator's first preparation step: its encoded preparation share and private state. */
export interface PreparedReport {
  /** Report id, hex. */
  reportId: string;
  /** Encoded preparation share, for the other aggregator. */
  preparationShare: Uint8Array;
  state: PreparationState;
}

/** The outcome of one preparation step over a batch. */
export interface PreparationStep {
  prepared: PreparedReport[];
  rejected: Partial<Record<RejectionReason, number>>;
}

/** Output shares ready to aggregate, and the reports refused on the way. */
export interface PreparedOutput {
  outputShares: bigint[][];
  rejected: Partial<Record<RejectionReason, number>>;
}

function reject(counts: Partial<Record<RejectionReason, number>>, reason: RejectionReason): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}

/** The hex id of a report, the key both aggregators match preparation messages by. */
export function reportIdHex(report: Pick<Prio3Report, 'reportId'>): string {
  return Buffer.from(report.reportId).toString('hex');
}

/**
 * First step, on either aggregator: for each report of `taskId` and `encoding`, open this aggregator's sealed
 * share (only this one: the other's key is not here), decode it and run VDAF prepareInit. Nothing here decodes a
 * measurement: an input share is a uniformly random-looking field vector without the other one.
 */
export async function startPreparation<E extends Prio3ReportEncoding>(
  keys: AggregatorKeys,
  taskId: string,
  encoding: E,
  reports: readonly Prio3Report<E>[],
): Promise<PreparationStep> {
  const vdaf = vdafFor(encoding);
  const width = encodingWidth(encoding);
  const metrics = encodingMetrics(encoding);
  const verifyKey = Buffer.from(keys.verifyKey);
  const prepared: PreparedReport[] = [];
  const rejected: Partial<Record<RejectionReason, number>> = {};
  const seen = new Set<string>();
  for (const report of reports) {
    const id = reportIdHex(report);
    if (
      report.taskId !== taskId ||
      encodingMetrics(report.encoding) !== metrics ||
      report.encoding.period !== encoding.period ||
      encodingWidth(report.encoding) !== width ||
      report.reportId.length !== vdaf.nonceSize ||
      seen.has(id)
    ) {
      reject(rejected, 'wrong-task');
      continue;
    }
    seen.add(id);
    let plaintext: Uint8Array;
    try {
      plaintext = await openInputShare(
        keys.privateKey,
        keys.aggregatorId,
        report.shares[keys.aggregatorId],
        inputShareAad(report),
      );
    } catch {
      reject(rejected, 'undecryptable');
      continue;
    }
    try {
      const inputShare = await decodeInputShare(vdaf, keys.aggregatorId, plaintext);
      const publicShare = decodePublicShare(vdaf, report.publicShare);
      const { preparationState, preparationShare } = await vdaf.prepareInit(
        verifyKey,
        keys.aggregatorId,
        null,
        Buffer.from(report.reportId),
        publicShare,
        inputShare,
      );
      prepared.push({
        reportId: id,
        preparationShare: new Uint8Array(vdaf.encodePreparationShare(preparationShare)),
        state: preparationState,
      });
    } catch {
      reject(rejected, 'malformed');
    }
  }
  return { prepared, rejected };
}

/**
 * The helper's decision (DAP: the helper combines): with the leader's preparation shares by report id, check each
 * report's proof (unshardPreparationShares) and finish its own side. Returns the encoded preparation message per
 * report id (null: refused, the leader drops it too) and the helper's output shares.
 */
export async function decidePreparation(
  encoding: Prio3ReportEncoding,
  helperPrepared: readonly PreparedReport[],
  leaderShares: ReadonlyMap<string, Uint8Array>,
): Promise<PreparedOutput & { messages: Map<string, Uint8Array | null> }> {
  const vdaf = vdafFor(encoding);
  const messages = new Map<string, Uint8Array | null>();
  const outputShares: bigint[][] = [];
  const rejected: Partial<Record<RejectionReason, number>> = {};
  for (const report of helperPrepared) {
    const leaderBytes = leaderShares.get(report.reportId);
    if (leaderBytes === undefined) {
      reject(rejected, 'unmatched');
      continue;
    }
    try {
      const shares = [
        decodePreparationShare(vdaf, leaderBytes),
        decodePreparationShare(vdaf, report.preparationShare),
      ];
      const message = await vdaf.unshardPreparationShares(null, shares);
      const next = vdaf.prepareNext(report.state, message);
      if (!('outputShare' in next)) throw new TypeError('Prio3 has one round');
      outputShares.push(next.outputShare);
      messages.set(report.reportId, new Uint8Array(vdaf.encodePreparationMessage(message)));
    } catch {
      reject(rejected, 'invalid-proof');
      messages.set(report.reportId, null);
    }
  }
  return { outputShares, rejected, messages };
}

/** The leader's last step: apply the helper's preparation messages; a report without one is dropped. `reportIds` are the reports behind `outputShares`, in order. */
export function finishPreparation(
  encoding: Prio3ReportEncoding,
  leaderPrepared: readonly PreparedReport[],
  messages: ReadonlyMap<string, Uint8Array | null>,
): PreparedOutput & { reportIds: string[] } {
  const vdaf = vdafFor(encoding);
  const outputShares: bigint[][] = [];
  const reportIds: string[] = [];
  const rejected: Partial<Record<RejectionReason, number>> = {};
  for (const report of leaderPrepared) {
    const message = messages.get(report.reportId);
    if (message === undefined) {
      reject(rejected, 'unmatched');
      continue;
    }
    if (message === null) {
      reject(rejected, 'invalid-proof');
      continue;
    }
    try {
      const next = vdaf.prepareNext(report.state, { jointRand: Buffer.from(message) });
      if (!('outputShare' in next)) throw new TypeError('Prio3 has one round');
      outputShares.push(next.outputShare);
      reportIds.push(report.reportId);
    } catch {
      reject(rejected, 'invalid-proof');
    }
  }
  return { outputShares, rejected, reportIds };
}

/** Discrete-Laplace noise an aggregator adds to its aggregate share when the request asks for DP. */
export interface ShareNoise {
  epsilon: number | Rational;
  random: RandomSource;
}

/**
 * The entries of an aggregate share that get noise, each with its sensitivity: a sum's one entry; every band count
 * of a histogram; in a vector, each metric's least significant value entry (the collector weighs it by 1, so a draw
 * there moves that metric's sum by the draw, as on a sum's entry) and no inclusion bit (see aggregateShare).
 */
function noisedEntries(
  encoding: Prio3ReportEncoding,
  length: number,
): [index: number, sensitivity: number][] {
  if (isSumVectorEncoding(encoding)) {
    return encoding.slots.map((slot) => [
      slot.countIndex + 1,
      Math.max(1, Number(largestMeasurement(slot.encoding))),
    ]);
  }
  if (isHistogramEncoding(encoding)) {
    return Array.from({ length }, (_, index) => [index, BAND_COUNTS_SENSITIVITY]);
  }
  return [[0, Math.max(1, Number(largestMeasurement(encoding)))]];
}

/**
 * This aggregator's aggregate share: the field sum of its output shares, encoded. With `noise`, a discrete
 * Laplace draw is added in the field, so the collector only ever sees a noisy result even if the other aggregator
 * adds none. The release names each cell's exact report count (as DAP does), so the neighbouring cohorts this noise
 * must hide a home between are of the same size: one home's value replaced by another (bounded DP). To a sum, of
 * sensitivity Δ = the largest measurement (a home's measurement going from 0 to the largest moves the sum by that).
 * To every band count of a histogram, of L1 sensitivity Δ = 2: a home moving from one band to another takes one
 * from one count and adds one to another. Δ = 1 holds only when a home joins or leaves (Dwork & Roth, "The
 * Algorithmic Foundations of Differential Privacy", 2014, §3.3, histogram queries), which the exact count
 * would give away anyway. A vector is several sum cells in one report: each metric's sum gets its own draw of
 * Δ = its largest measurement at the cell's ε, as its own Sum report would; its count (the summed inclusion bits)
 * is released exact, as a Sum cell's report count is.
 */
export function aggregateShare(
  encoding: Prio3ReportEncoding,
  outputShares: readonly bigint[][],
  noise?: ShareNoise,
): Uint8Array {
  const vdaf = vdafFor(encoding);
  const { field } = vdaf.flp;
  const share = vdaf.aggregate(null, [...outputShares]);
  if (noise !== undefined) {
    for (const [index, sensitivity] of noisedEntries(encoding, share.length)) {
      const draw = BigInt(sampleDiscreteLaplace(noise.random, noise.epsilon, sensitivity));
      share[index] = field.add(share[index]!, ((draw % field.modulus) + field.modulus) % field.modulus);
    }
  }
  return new Uint8Array(vdaf.encodeAggregatorShare(share));
}

export { LEADER, HELPER };
