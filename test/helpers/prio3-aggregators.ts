// Both Prio3 aggregators in one process, for unit tests: keys for a task, and a batch run through every step in DAP order.
import {
  HELPER,
  LEADER,
  aggregateShare,
  decidePreparation,
  finishPreparation,
  generateAggregatorKeyPair,
  startPreparation,
  type AggregatorKeys,
  type Prio3Report,
  type Prio3ReportEncoding,
  type Prio3Task,
  type ShareNoise,
} from '../../src/private-aggregation/index.ts';

/** A task and both aggregators' keys for it. */
export interface Prio3Aggregators {
  task: Prio3Task;
  leaderKeys: AggregatorKeys;
  helperKeys: AggregatorKeys;
}

/** Fresh HPKE key pairs for leader and helper, a task `taskId` sealed to them, and the verify key both share. */
export async function createPrio3Aggregators(
  taskId: string,
  verifyKey: Uint8Array,
): Promise<Prio3Aggregators> {
  const [leaderPair, helperPair] = await Promise.all([
    generateAggregatorKeyPair(),
    generateAggregatorKeyPair(),
  ]);
  return {
    task: {
      id: taskId,
      aggregators: [
        { id: 'https://broker.example/', publicKey: leaderPair.publicKey },
        { id: 'https://helper.example/', publicKey: helperPair.publicKey },
      ],
    },
    leaderKeys: { aggregatorId: LEADER, privateKey: leaderPair.privateKey, verifyKey },
    helperKeys: { aggregatorId: HELPER, privateKey: helperPair.privateKey, verifyKey },
  };
}

/**
 * Both aggregators' steps over `reports`: leader init, helper init and decide, leader finish, both aggregate (each
 * with its own noise, if any). Returns the count of reports both accepted, the refusals as the helper counts them
 * (its own first step and its decision), each step's outcome and the two shares.
 */
export async function aggregateBoth<E extends Prio3ReportEncoding>(
  aggregators: Pick<Prio3Aggregators, 'leaderKeys' | 'helperKeys'> & { taskId: string },
  encoding: E,
  reports: readonly Prio3Report<E>[],
  noise?: { leader: ShareNoise; helper: ShareNoise },
) {
  const { leaderKeys, helperKeys, taskId } = aggregators;
  const leaderStep = await startPreparation(leaderKeys, taskId, encoding, reports);
  const helperStep = await startPreparation(helperKeys, taskId, encoding, reports);
  const leaderShares = new Map(leaderStep.prepared.map((r) => [r.reportId, r.preparationShare]));
  const decided = await decidePreparation(encoding, helperStep.prepared, leaderShares);
  const finished = finishPreparation(encoding, leaderStep.prepared, decided.messages);
  const shares = [
    aggregateShare(encoding, finished.outputShares, noise?.leader),
    aggregateShare(encoding, decided.outputShares, noise?.helper),
  ] as const;
  return {
    count: finished.outputShares.length,
    rejected: { ...helperStep.rejected, ...decided.rejected },
    decided,
    finished,
    shares,
  };
}
