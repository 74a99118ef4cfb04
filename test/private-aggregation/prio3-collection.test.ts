// Unit tests of the Prio3 mode's core: shard and seal at the home, open, prove and sum at two aggregators, collect.
import { Buffer } from 'node:buffer';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Prio3 } from '@divviup/prio3';
import { ValidationError } from '../../src/errors.ts';
import { parsePeriod } from '../../src/metrics/index.ts';
import { seededRandomSource } from '../../src/privacy/index.ts';
import {
  HELPER,
  LEADER,
  aggregateShare,
  collectSum,
  createReport,
  createReportFromMeasurement,
  decidePreparation,
  decodeInputShare,
  decodePublicShare,
  finishPreparation,
  generateAggregatorKeyPair,
  inputShareAad,
  prio3SumFor,
  sealInputShare,
  startPreparation,
  sumEncodingFor,
  type AggregatorKeyPair,
  type AggregatorKeys,
  type Prio3Report,
  type Prio3Task,
  type ShareNoise,
  type SumEncoding,
} from '../../src/private-aggregation/index.ts';

let leaderPair: AggregatorKeyPair;
let helperPair: AggregatorKeyPair;
let task: Prio3Task;
let leaderKeys: AggregatorKeys;
let helperKeys: AggregatorKeys;
const verifyKey = new Uint8Array(16).fill(7);
const january = parsePeriod('2026-01');

beforeAll(async () => {
  leaderPair = await generateAggregatorKeyPair();
  helperPair = await generateAggregatorKeyPair();
  task = {
    id: 'task-1',
    aggregators: [
      { id: 'https://broker.example/', publicKey: leaderPair.publicKey },
      { id: 'https://helper.example/', publicKey: helperPair.publicKey },
    ],
  };
  leaderKeys = { aggregatorId: LEADER, privateKey: leaderPair.privateKey, verifyKey };
  helperKeys = { aggregatorId: HELPER, privateKey: helperPair.privateKey, verifyKey };
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Both aggregators' steps in DAP order: leader init, helper init and decide, leader finish, both aggregate. */
async function collect(
  encoding: SumEncoding,
  reports: readonly Prio3Report[],
  noise?: { leader: ShareNoise; helper: ShareNoise },
) {
  const leaderStep = await startPreparation(leaderKeys, task.id, encoding, reports);
  const helperStep = await startPreparation(helperKeys, task.id, encoding, reports);
  const leaderShares = new Map(leaderStep.prepared.map((r) => [r.reportId, r.preparationShare]));
  const helperOut = await decidePreparation(encoding, helperStep.prepared, leaderShares);
  const leaderOut = finishPreparation(encoding, leaderStep.prepared, helperOut.messages);
  expect(leaderOut.outputShares.length).toBe(helperOut.outputShares.length);
  const shares = [
    aggregateShare(encoding, leaderOut.outputShares, noise?.leader),
    aggregateShare(encoding, helperOut.outputShares, noise?.helper),
  ] as const;
  const count = leaderOut.outputShares.length;
  return { leaderStep, helperStep, leaderOut, helperOut, count, shares };
}

describe('input share codec', () => {
  it('decodes what @divviup/prio3 encodes, for the leader and the helper', async () => {
    const vdaf = prio3SumFor({ bits: 13 });
    const nonce = Buffer.alloc(16, 1);
    const { publicShare, inputShares } = await vdaf.shard(1234n, nonce, Buffer.alloc(vdaf.randSize, 9));
    for (const id of [LEADER, HELPER]) {
      const original = inputShares[id]!;
      const decoded = await decodeInputShare(vdaf, id, vdaf.encodeInputShare(original));
      expect(decoded.measurementShare).toEqual(original.measurementShare);
      expect(decoded.proofsShare).toEqual(original.proofsShare);
      expect(Buffer.from(decoded.blind)).toEqual(Buffer.from(original.blind));
    }
    const decodedPublic = decodePublicShare(vdaf, vdaf.encodePublicShare(publicShare));
    expect(decodedPublic.jointRandParts.map((p) => p.toString('hex'))).toEqual(
      publicShare.jointRandParts.map((p) => Buffer.from(p).toString('hex')),
    );
  });

  it('refuses a truncated input share', async () => {
    const vdaf = prio3SumFor({ bits: 8 });
    const { inputShares } = await vdaf.shard(3n, Buffer.alloc(16), Buffer.alloc(vdaf.randSize, 2));
    const bytes = vdaf.encodeInputShare(inputShares[0]!);
    await expect(decodeInputShare(vdaf, LEADER, bytes.subarray(1))).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('sum encoding', () => {
  it('takes the metric’s DP bounds and scale, per-day bounds times the days of the period', () => {
    expect(sumEncodingFor('cold.below18.hours', january)).toMatchObject({
      lower: 0,
      upper: 775,
      scale: 10,
      bits: 13,
    });
    expect(sumEncodingFor('temperature.mean', january)).toMatchObject({ lower: 0, upper: 35, bits: 9 });
  });
});

describe('a Prio3 collection', () => {
  it('sums 12 known values exactly and gives their mean', async () => {
    const encoding = sumEncodingFor('cold.below18.hours', january);
    const values = [0, 12.5, 40, 3.1, 77.7, 0.4, 120, 8.8, 15, 2.2, 64.3, 9.9];
    const reports = await Promise.all(values.map((v) => createReport(task, encoding, v)));
    const { shares, count, leaderOut } = await collect(encoding, reports);
    expect(leaderOut.rejected).toEqual({});
    const result = collectSum(encoding, shares, count);
    const expected = values.reduce((a, b) => a + b, 0);
    expect(result.count).toBe(12);
    expect(result.sum).toBeCloseTo(expected, 9);
    expect(result.mean).toBeCloseTo(expected / 12, 9);
  });

  it('clamps a value above the metric’s bound, as the plain mode’s DP release does', async () => {
    const encoding = sumEncodingFor('temperature.mean', january);
    const reports = [await createReport(task, encoding, 50), await createReport(task, encoding, 20.04)];
    const { shares, count } = await collect(encoding, reports);
    expect(collectSum(encoding, shares, count).sum).toBeCloseTo(35 + 20, 9);
  });

  it('refuses at the home a measurement outside [0, 2^bits)', async () => {
    const encoding = sumEncodingFor('temperature.mean', january);
    await expect(createReportFromMeasurement(task, encoding, 1n << 9n)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('rejects and counts a lying gateway’s out-of-range report, and sums the others', async () => {
    const encoding = sumEncodingFor('cold.below18.hours', january);
    const honest = await Promise.all([10, 20, 30].map((v) => createReport(task, encoding, v)));
    // A gateway that skips the range check: "bit" 0 carries a million, so the claimed value is 10⁶ + 0 hours.
    const vdaf = prio3SumFor(encoding);
    const bits = vdaf.flp.measurementLen;
    vi.spyOn(vdaf.flp, 'encode').mockReturnValue([1_000_000n, ...Array<bigint>(bits - 1).fill(0n)]);
    const reportId = new Uint8Array(16).fill(0xab);
    const sharded = await vdaf.shard(0n, Buffer.from(reportId), Buffer.alloc(vdaf.randSize, 5));
    const publicShare = new Uint8Array(vdaf.encodePublicShare(sharded.publicShare));
    const aad = inputShareAad({ taskId: task.id, reportId, encoding, publicShare });
    const liar: Prio3Report = {
      taskId: task.id,
      reportId,
      encoding,
      publicShare,
      shares: [
        await sealInputShare(
          leaderPair.publicKey,
          LEADER,
          vdaf.encodeInputShare(sharded.inputShares[0]!),
          aad,
        ),
        await sealInputShare(
          helperPair.publicKey,
          HELPER,
          vdaf.encodeInputShare(sharded.inputShares[1]!),
          aad,
        ),
      ],
    };
    const { shares, count, leaderOut, helperOut } = await collect(encoding, [...honest, liar]);
    expect(helperOut.rejected).toEqual({ 'invalid-proof': 1 });
    expect(leaderOut.rejected).toEqual({ 'invalid-proof': 1 });
    expect(count).toBe(3);
    expect(collectSum(encoding, shares, count).sum).toBeCloseTo(60, 9);
  });

  it('rejects and counts a report whose metadata or ciphertext was changed after sealing', async () => {
    const encoding = sumEncodingFor('cold.below18.hours', january);
    const [a, c] = await Promise.all([1, 3].map((v) => createReport(task, encoding, v)));
    // A February report relabelled as January: same metric and width, so only the sealing notices.
    const february = await createReport(
      task,
      sumEncodingFor('cold.below18.hours', parsePeriod('2026-02')),
      2,
    );
    const moved: Prio3Report = { ...february, encoding };
    const flipped = Uint8Array.from(c!.shares[0].ciphertext);
    flipped[3] = flipped[3]! ^ 1;
    const tampered: Prio3Report = { ...c!, shares: [{ ...c!.shares[0], ciphertext: flipped }, c!.shares[1]] };
    const { leaderStep, count } = await collect(encoding, [a!, moved, tampered]);
    expect(leaderStep.rejected).toEqual({ undecryptable: 2 });
    expect(count).toBe(1);
  });

  it('an aggregator cannot open the other aggregator’s share', async () => {
    const encoding = sumEncodingFor('cold.below18.hours', january);
    const report = await createReport(task, encoding, 5);
    const leaderPosingAsHelper: AggregatorKeys = { ...leaderKeys, aggregatorId: HELPER };
    const step = await startPreparation(leaderPosingAsHelper, task.id, encoding, [report]);
    expect(step.rejected).toEqual({ undecryptable: 1 });
  });

  it('the leader’s path never decodes a measurement and holds no home’s value', async () => {
    const encoding = sumEncodingFor('cold.below18.hours', january);
    const values = [11.1, 22.2, 33.3, 44.4, 55.5];
    const reports = await Promise.all(values.map((v) => createReport(task, encoding, v)));
    const flpPrototype = Object.getPrototypeOf(prio3SumFor(encoding).flp) as { decode: () => unknown };
    const decode = vi.spyOn(flpPrototype, 'decode');
    const unshard = vi.spyOn(Prio3.prototype, 'unshard');
    const leaderStep = await startPreparation(leaderKeys, task.id, encoding, reports);
    const helperStep = await startPreparation(helperKeys, task.id, encoding, reports);
    const helperOut = await decidePreparation(
      encoding,
      helperStep.prepared,
      new Map(leaderStep.prepared.map((r) => [r.reportId, r.preparationShare])),
    );
    const leaderOut = finishPreparation(encoding, leaderStep.prepared, helperOut.messages);
    const leaderShare = aggregateShare(encoding, leaderOut.outputShares);
    expect(decode).not.toHaveBeenCalled();
    expect(unshard).not.toHaveBeenCalled();
    const measurements = values.map((v) => BigInt(Math.round(v * encoding.scale)));
    const held = [
      ...leaderOut.outputShares.flat(),
      ...leaderStep.prepared.flatMap((r) => r.state.outputShare),
      ...prio3SumFor(encoding).flp.field.decode(leaderShare),
    ];
    for (const m of measurements) expect(held).not.toContain(m);
    // Only the collector's combination of both shares gives the sum.
    expect(
      collectSum(encoding, [leaderShare, aggregateShare(encoding, helperOut.outputShares)], 5).sum,
    ).toBeCloseTo(166.5, 9);
  });

  it('adds discrete-Laplace noise to each aggregate share when DP is asked for', async () => {
    const encoding = sumEncodingFor('temperature.mean', january);
    const reports = await Promise.all([18, 19, 20, 21, 22].map((v) => createReport(task, encoding, v)));
    const noise = {
      leader: { epsilon: 1, random: seededRandomSource(1) },
      helper: { epsilon: 1, random: seededRandomSource(2) },
    };
    const { shares, count } = await collect(encoding, reports, noise);
    const noisy = collectSum(encoding, shares, count);
    expect(noisy.sum).not.toBeCloseTo(100, 9);
    // Δ = 350 steps of 0.1 °C at ε = 1 per share: far below 1000 °C with overwhelming probability.
    expect(Math.abs(noisy.sum - 100)).toBeLessThan(1000);
  });
});
