// Attacks on the Prio3 mode: a lying gateway, a curious or greedy leader; each must be refused by the protocol.
import { Buffer } from 'node:buffer';
import { beforeAll, describe, expect, vi } from 'vitest';
import { createHelperApp } from '../../src/broker/private-aggregation/helper-app.ts';
import { forwardReport } from '../../src/broker/private-aggregation/forwarded-report.ts';
import { createLogger } from '../../src/logging.ts';
import { parsePeriod } from '../../src/metrics/index.ts';
import {
  HELPER,
  LEADER,
  aggregateShare,
  collectSum,
  createReport,
  decidePreparation,
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
} from '../../src/private-aggregation/index.ts';
import { attack } from './attack.ts';

const encoding = sumEncodingFor('cold.below18.hours', parsePeriod('2026-01'));
const verifyKey = new Uint8Array(16).fill(1);
let leaderPair: AggregatorKeyPair;
let helperPair: AggregatorKeyPair;
let task: Prio3Task;
let leaderKeys: AggregatorKeys;
let helperKeys: AggregatorKeys;

beforeAll(async () => {
  [leaderPair, helperPair] = await Promise.all([generateAggregatorKeyPair(), generateAggregatorKeyPair()]);
  task = {
    id: 'attack-task',
    aggregators: [
      { id: 'https://broker.example/id#broker', publicKey: leaderPair.publicKey },
      { id: 'https://helper.example/id#helper', publicKey: helperPair.publicKey },
    ],
  };
  leaderKeys = { aggregatorId: LEADER, privateKey: leaderPair.privateKey, verifyKey };
  helperKeys = { aggregatorId: HELPER, privateKey: helperPair.privateKey, verifyKey };
});

/** Both aggregators over `reports`: the collected sum and every refusal. */
async function collect(reports: readonly Prio3Report[]) {
  const leader = await startPreparation(leaderKeys, task.id, encoding, reports);
  const helper = await startPreparation(helperKeys, task.id, encoding, reports);
  const decided = await decidePreparation(
    encoding,
    helper.prepared,
    new Map(leader.prepared.map((r) => [r.reportId, r.preparationShare])),
  );
  const finished = finishPreparation(encoding, leader.prepared, decided.messages);
  const count = finished.outputShares.length;
  const shares = [
    aggregateShare(encoding, finished.outputShares),
    aggregateShare(encoding, decided.outputShares),
  ] as const;
  return { sum: collectSum(encoding, shares, count).sum, count, leader, helper, decided, finished };
}

describe('attacks on private aggregation', () => {
  attack(
    {
      id: 'P16-1',
      attacker: 'gateway',
      tried: 'report a million hours in a month by skipping the range check (a "bit" of 10⁶)',
      expected: 'the validity proof fails; the report is refused, counted and not summed',
    },
    async () => {
      const honest = await Promise.all([10, 20].map((v) => createReport(task, encoding, v)));
      const vdaf = prio3SumFor(encoding);
      vi.spyOn(vdaf.flp, 'encode').mockReturnValue([
        1_000_000n,
        ...Array<bigint>(vdaf.flp.measurementLen - 1).fill(0n),
      ]);
      const reportId = new Uint8Array(16).fill(0x42);
      const sharded = await vdaf.shard(0n, Buffer.from(reportId), Buffer.alloc(vdaf.randSize, 8));
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
      const result = await collect([...honest, liar]);
      expect(result.decided.rejected).toEqual({ 'invalid-proof': 1 });
      expect(result.count).toBe(2);
      expect(result.sum).toBeCloseTo(30, 9);
    },
  );

  attack(
    {
      id: 'P16-2',
      attacker: 'broker',
      tried: 'open the helper’s input share of a report with the leader’s key',
      expected: 'HPKE refuses: the share is sealed to the helper’s key and role',
    },
    async () => {
      const report = await createReport(task, encoding, 42);
      const posing: AggregatorKeys = { ...leaderKeys, aggregatorId: HELPER };
      expect((await startPreparation(posing, task.id, encoding, [report])).rejected).toEqual({
        undecryptable: 1,
      });
    },
  );

  attack(
    {
      id: 'P16-3',
      attacker: 'broker',
      tried: 'count one home twice by putting its report twice in a batch',
      expected: 'the second copy is refused by both aggregators',
    },
    async () => {
      const report = await createReport(task, encoding, 7);
      const result = await collect([report, report]);
      expect(result.count).toBe(1);
      expect(result.leader.rejected).toEqual({ 'wrong-task': 1 });
      expect(result.sum).toBeCloseTo(7, 9);
    },
  );

  attack(
    {
      id: 'P16-4',
      attacker: 'broker',
      tried: 'get the helper’s aggregate share of a two-home batch, to learn a small cohort’s sum',
      expected: 'the helper refuses (409) below its own minimum batch size',
    },
    async () => {
      const app = createHelperApp(
        {
          privateKey: helperPair.privateKey,
          verifyKey,
          leaderToken: 'token-token-token-token-token-token',
          minimumBatch: 10,
        },
        createLogger('helper', 'silent'),
      );
      const server = await new Promise<import('node:http').Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      try {
        const base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
        const headers = {
          'content-type': 'application/json',
          authorization: 'Bearer token-token-token-token-token-token',
        };
        const reports = await Promise.all([30, 40].map((v) => createReport(task, encoding, v)));
        const leader = await startPreparation(leaderKeys, task.id, encoding, reports);
        const job = await fetch(`${base}/prio3/aggregation-jobs`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            taskId: task.id,
            metricId: encoding.metricId,
            period: encoding.period,
            reports: reports.map(forwardReport),
            leaderShares: Object.fromEntries(
              leader.prepared.map((r) => [r.reportId, Buffer.from(r.preparationShare).toString('base64')]),
            ),
          }),
        });
        expect(job.status).toBe(201);
        const { jobId } = (await job.json()) as { jobId: string };
        const share = await fetch(`${base}/prio3/aggregation-jobs/${jobId}/aggregate-share`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ reportCount: 2 }),
        });
        expect(share.status).toBe(409);
        expect(((await share.json()) as { type: string }).type).toMatch(/batch-too-small$/);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );

  attack(
    {
      id: 'P16-5',
      attacker: 'broker',
      tried: 'fill the helper’s memory with aggregation jobs it never collects',
      expected: 'the helper keeps a bounded number of open jobs and drops the oldest',
    },
    async () => {
      const token = 'token-token-token-token-token-token';
      const app = createHelperApp(
        { privateKey: helperPair.privateKey, verifyKey, leaderToken: token, minimumBatch: 1, maxOpenJobs: 3 },
        createLogger('helper', 'silent'),
      );
      const server = await new Promise<import('node:http').Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      try {
        const base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
        const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
        const body = JSON.stringify({
          taskId: task.id,
          metricId: encoding.metricId,
          period: encoding.period,
          reports: [],
          leaderShares: {},
        });
        const ids: string[] = [];
        for (let i = 0; i < 4; i++) {
          const job = await fetch(`${base}/prio3/aggregation-jobs`, { method: 'POST', headers, body });
          ids.push(((await job.json()) as { jobId: string }).jobId);
        }
        const share = (jobId: string) =>
          fetch(`${base}/prio3/aggregation-jobs/${jobId}/aggregate-share`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ reportCount: 0 }),
          });
        expect((await share(ids[0]!)).status).toBe(404);
        // The newest is still there (refused only because an empty batch is below the minimum).
        expect((await share(ids[3]!)).status).toBe(409);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );

  attack(
    {
      id: 'P16-6',
      attacker: 'broker',
      tried: 'difference two overlapping batches (homes 1–10, then 2–11) to learn home 1 − home 11',
      expected: 'the helper aggregates each report once and refuses (409) the overlapping batch',
    },
    async () => {
      const token = 'token-token-token-token-token-token';
      const app = createHelperApp(
        { privateKey: helperPair.privateKey, verifyKey, leaderToken: token, minimumBatch: 10 },
        createLogger('helper', 'silent'),
      );
      const server = await new Promise<import('node:http').Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      try {
        const base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
        const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
        const reports = await Promise.all(
          Array.from({ length: 21 }, (_, i) => createReport(task, encoding, i)),
        );
        const batch = async (members: readonly Prio3Report[]) => {
          const leader = await startPreparation(leaderKeys, task.id, encoding, members);
          const job = await fetch(`${base}/prio3/aggregation-jobs`, {
            method: 'POST',
            headers,
            body: JSON.stringify({
              taskId: task.id,
              metricId: encoding.metricId,
              period: encoding.period,
              reports: members.map(forwardReport),
              leaderShares: Object.fromEntries(
                leader.prepared.map((r) => [r.reportId, Buffer.from(r.preparationShare).toString('base64')]),
              ),
            }),
          });
          const { jobId } = (await job.json()) as { jobId: string };
          return fetch(`${base}/prio3/aggregation-jobs/${jobId}/aggregate-share`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ reportCount: members.length }),
          });
        };
        expect((await batch(reports.slice(0, 10))).status).toBe(200);
        const overlapping = await batch(reports.slice(1, 11));
        expect(overlapping.status).toBe(409);
        expect(((await overlapping.json()) as { type: string }).type).toMatch(/batch-overlap$/);
        // A disjoint batch of the same cell is still served.
        expect((await batch(reports.slice(11, 21))).status).toBe(200);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );
});
