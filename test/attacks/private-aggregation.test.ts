// Attacks on the Prio3 mode: a lying gateway, a curious or greedy leader; each must be refused by the protocol.
import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import type { JobHome } from '../../src/broker/private-aggregation/helper-protocol.ts';
import { HelperStore } from '../../src/broker/private-aggregation/helper-store.ts';
import { collectPrio3Cell } from '../../src/broker/private-aggregation/leader-collection.ts';
import { collectCells, Prio3CellTable } from '../../src/broker/private-aggregation/prio3-run.ts';
import { planRun } from '../../src/broker/aggregation/run-plan.ts';
import { cellLabel } from '../../src/broker/aggregation/cohorts.ts';
import { seededRandomSource } from '../../src/privacy/index.ts';
import { pino } from 'pino';
import { createLogger } from '../../src/logging.ts';
import { parsePeriod } from '../../src/metrics/index.ts';
import {
  HELPER,
  LEADER,
  aggregateShare,
  collectSum,
  collectSumVector,
  createHistogramReport,
  createReport,
  createReportFromMeasurement,
  createVectorReport,
  decidePreparation,
  encodeHomeVector,
  finishPreparation,
  generateAggregatorKeyPair,
  histogramEncodingFor,
  inputShareAad,
  prio3HistogramFor,
  prio3SumFor,
  prio3SumVecFor,
  releaseCollectedVector,
  reportIdHex,
  sealInputShare,
  startPreparation,
  sumEncodingFor,
  sumVectorEncodingFor,
  type AggregatorKeyPair,
  type AggregatorKeys,
  type Prio3Report,
  type Prio3Task,
} from '../../src/private-aggregation/index.ts';
import { ReportPods, startTestHelper, type TestHelper } from '../helpers/helper-aggregator-app.ts';
import { aggregateBoth } from '../helpers/prio3-aggregators.ts';
import { attack } from './attack.ts';

const encoding = sumEncodingFor('cold.below18.hours', parsePeriod('2026-01'));
const verifyKey = new Uint8Array(16).fill(1);
let leaderPair: AggregatorKeyPair;
let helperPair: AggregatorKeyPair;
let task: Prio3Task;
let leaderKeys: AggregatorKeys;
let helperKeys: AggregatorKeys;

let helperDb: HelperStore;

beforeAll(async () => {
  helperDb = await HelperStore.open({ kind: 'memory' }, 1000);
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
}, 120_000);

afterAll(async () => {
  await helperDb?.close();
});

const TOKEN = 'token-token-token-token-token-token';

/** A helper reading `pods`, with the attack's settings. */
function helperFor(
  pods: ReportPods,
  settings: { minimumBatch: number; maxBatchQueryCount?: number },
  maxOpenJobs = 1000,
) {
  return startTestHelper({
    privateKey: helperPair.privateKey,
    verifyKey,
    leaderToken: TOKEN,
    aggregatorIds: [task.aggregators[0].id, task.aggregators[1].id],
    pods,
    // One database for all attacks (opening PGlite takes seconds); report ids are random, so batches never meet.
    store: new HelperStore(helperDb.db, maxOpenJobs),
    ...settings,
  });
}

/**
 * What a leader sends the helper for `members` (their homes as `homes` names them): an aggregation job with its own
 * preparation shares, then the request for the helper's aggregate share. Returns both raw answers.
 */
async function leaderJob(
  helper: TestHelper,
  members: readonly Prio3Report[],
  homes: ReadonlyMap<string, JobHome>,
  reportCount = members.length,
) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
  const leader = await startPreparation(leaderKeys, task.id, encoding, members);
  const job = await fetch(`${helper.base}prio3/aggregation-jobs`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      taskId: task.id,
      metricId: encoding.metricId,
      period: encoding.period,
      homes: members.map((report) => homes.get(Buffer.from(report.reportId).toString('hex'))!),
      leaderShares: Object.fromEntries(
        leader.prepared.map((r) => [r.reportId, Buffer.from(r.preparationShare).toString('base64')]),
      ),
    }),
  });
  if (job.status !== 201) return { job, share: null };
  const prepared = (await job.json()) as { jobId: string; rejected: Record<string, number> };
  const { jobId } = prepared;
  const share = await fetch(`${helper.base}prio3/aggregation-jobs/${jobId}/aggregate-share`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ reportCount }),
  });
  return { job, prepared, share };
}

/** The problem type's last segment. */
async function problemOf(response: Response): Promise<string> {
  return ((await response.json()) as { type: string }).type.split('/').pop()!;
}

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
      tried: 'start a helper job over two homes, to learn a small cohort’s sum',
      expected: 'the helper refuses (409) a job naming fewer homes than its own minimum batch size',
    },
    async () => {
      const pods = new ReportPods();
      const helper = await helperFor(pods, { minimumBatch: 10 });
      try {
        const reports = await Promise.all([30, 40].map((v) => createReport(task, encoding, v)));
        const { job, share } = await leaderJob(helper, reports, pods.put(task, reports));
        expect(job.status).toBe(409);
        expect(await problemOf(job)).toBe('batch-too-small');
        expect(share).toBeNull();
      } finally {
        await helper.close();
      }
    },
    60_000,
  );

  attack(
    {
      id: 'P16-5',
      attacker: 'broker',
      tried: 'fill the helper’s database with aggregation jobs it never collects',
      expected: 'the helper keeps a bounded number of open jobs and drops the oldest',
    },
    async () => {
      const pods = new ReportPods();
      const helper = await helperFor(pods, { minimumBatch: 1 }, 3);
      try {
        const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
        const reports = [await createReport(task, encoding, 5)];
        const homes = pods.put(task, reports);
        const leader = await startPreparation(leaderKeys, task.id, encoding, reports);
        const body = JSON.stringify({
          taskId: task.id,
          metricId: encoding.metricId,
          period: encoding.period,
          homes: [...homes.values()],
          leaderShares: Object.fromEntries(
            leader.prepared.map((r) => [r.reportId, Buffer.from(r.preparationShare).toString('base64')]),
          ),
        });
        const ids: string[] = [];
        for (let i = 0; i < 4; i++) {
          const job = await fetch(`${helper.base}prio3/aggregation-jobs`, { method: 'POST', headers, body });
          ids.push(((await job.json()) as { jobId: string }).jobId);
        }
        const [row] = await helper.store.db.query<{ open: number }>(
          'SELECT count(*)::int AS open FROM helper_jobs',
        );
        expect(row?.open).toBe(3);
        const share = (jobId: string) =>
          fetch(`${helper.base}prio3/aggregation-jobs/${jobId}/aggregate-share`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ reportCount: 1 }),
          });
        expect((await share(ids[0]!)).status).toBe(404);
        expect((await share(ids[3]!)).status).toBe(200);
      } finally {
        await helper.close();
      }
    },
    60_000,
  );

  attack(
    {
      id: 'P16-6',
      attacker: 'broker',
      tried: 'difference two overlapping batches (homes 1–10, then 2–11) to learn home 1 − home 11',
      expected:
        'the helper refuses (409 batch-overlap) a batch sharing reports with a different collected batch',
    },
    async () => {
      const pods = new ReportPods();
      const helper = await helperFor(pods, { minimumBatch: 10 });
      try {
        const reports = await Promise.all(
          Array.from({ length: 21 }, (_, i) => createReport(task, encoding, i)),
        );
        const homes = pods.put(task, reports);
        expect((await leaderJob(helper, reports.slice(0, 10), homes)).share?.status).toBe(200);
        const overlapping = (await leaderJob(helper, reports.slice(1, 11), homes)).share!;
        expect(overlapping.status).toBe(409);
        expect(await problemOf(overlapping)).toBe('batch-overlap');
        // A disjoint batch of the same cell is still served.
        expect((await leaderJob(helper, reports.slice(11, 21), homes)).share?.status).toBe(200);
      } finally {
        await helper.close();
      }
    },
    60_000,
  );

  attack(
    {
      id: 'P16-7',
      attacker: 'broker',
      tried: 'replay a collected job to get fresh noise (average it away), and past the batch query limit',
      expected: 'the same reports get the same stored share, byte for byte; past max_batch_query_count, 409',
    },
    async () => {
      const pods = new ReportPods();
      const helper = await helperFor(pods, { minimumBatch: 10, maxBatchQueryCount: 2 });
      try {
        const reports = await Promise.all(
          Array.from({ length: 10 }, (_, i) => createReport(task, encoding, 3 * i)),
        );
        const homes = pods.put(task, reports);
        const first = (await leaderJob(helper, reports, homes)).share!;
        const again = (await leaderJob(helper, reports, homes)).share!;
        expect([first.status, again.status]).toEqual([200, 200]);
        const [a, b] = (await Promise.all([first.json(), again.json()])) as {
          share: string;
          queryCount: number;
        }[];
        expect(b!.share).toBe(a!.share);
        expect([a!.queryCount, b!.queryCount]).toEqual([1, 2]);
        const third = (await leaderJob(helper, reports, homes)).share!;
        expect(third.status).toBe(409);
        expect(await problemOf(third)).toBe('batch-query-limit');
      } finally {
        await helper.close();
      }
    },
    60_000,
  );

  attack(
    {
      id: 'P16-8',
      attacker: 'broker',
      tried: 'name a home that does not consent (the helper has no Read on its pod) in a batch',
      expected:
        'the helper cannot read that report, counts it unreadable and gives no preparation message: it is not summed',
    },
    async () => {
      const pods = new ReportPods();
      const helper = await helperFor(pods, { minimumBatch: 10 });
      try {
        const values = Array.from({ length: 11 }, (_, i) => 10 + i);
        const reports = await Promise.all(values.map((v) => createReport(task, encoding, v)));
        const homes = pods.put(task, reports);
        const outsider = homes.get(Buffer.from(reports[10]!.reportId).toString('hex'))!;
        pods.close(outsider.pod);
        const outcome = await collectPrio3Cell(
          { keys: leaderKeys, taskId: task.id, encoding, reports, homes, helper: helper.client, k: 10 },
          createLogger('broker', 'silent'),
        );
        expect(outcome.rejected).toEqual({ unreadable: 1 });
        expect(outcome.valid).toBe(10);
        expect(outcome.release.mean).toBeCloseTo(values.slice(0, 10).reduce((a, b) => a + b, 0) / 10, 9);
      } finally {
        await helper.close();
      }
    },
    60_000,
  );

  attack(
    {
      id: 'P16-9',
      attacker: 'broker',
      tried:
        'point the helper at a report of another request by naming a pod whose report is for another task',
      expected: 'the helper reads only the job’s own report address and refuses a report for another task',
    },
    async () => {
      const pods = new ReportPods();
      const helper = await helperFor(pods, { minimumBatch: 10 });
      try {
        const reports = await Promise.all(
          Array.from({ length: 10 }, (_, i) => createReport(task, encoding, i)),
        );
        const homes = pods.put(task, reports);
        const other = { ...task, id: 'another-request' };
        const foreign = await createReport(other, encoding, 500);
        const foreignHomes = pods.put(other, [foreign]);
        const { job, prepared } = await leaderJob(
          helper,
          [...reports, foreign],
          new Map([...homes, ...foreignHomes]),
        );
        expect(job.status).toBe(201);
        // The helper looked for this task's report in the foreign home's pod, found none there: never the other one.
        expect(prepared?.rejected).toEqual({ missing: 1 });
      } finally {
        await helper.close();
      }
    },
    60_000,
  );

  attack(
    {
      id: 'P16-10',
      attacker: 'gateway',
      tried: 'claim two CO2 bands, or a count of 2 in one band, in a histogram report (not one-hot)',
      expected:
        'the one-hot proof fails at preparation; both reports are refused, counted and left out of the band counts',
    },
    async () => {
      const bands = histogramEncodingFor('co2.night.band', parsePeriod('2026-01'));
      const pods = new ReportPods();
      const helper = await helperFor(pods, { minimumBatch: 10 });
      try {
        const perBand = [8, 7, 5, 4];
        const values = perBand.flatMap((homes, band) =>
          Array<number>(homes).fill([700, 900, 1200, 1800][band]!),
        );
        const honest = await Promise.all(values.map((value) => createHistogramReport(task, bands, value)));
        // The gateway bypasses its encoder: each measurement is sealed properly, so only the proof can refuse it.
        const flp = Object.getPrototypeOf(prio3HistogramFor(bands).flp) as { encode: () => bigint[] };
        const forged = [];
        for (const lie of [
          [1n, 1n, 0n, 0n],
          [0n, 0n, 0n, 2n],
        ]) {
          const encode = vi.spyOn(flp, 'encode').mockReturnValue(lie);
          forged.push(await createReportFromMeasurement(task, bands, 0n));
          encode.mockRestore();
        }
        const reports = [...honest, ...forged];
        const outcome = await collectPrio3Cell(
          {
            keys: leaderKeys,
            taskId: task.id,
            encoding: bands,
            reports,
            homes: pods.put(task, reports),
            helper: helper.client,
            k: 5,
          },
          createLogger('broker', 'silent'),
        );
        expect(outcome.rejected).toEqual({ 'invalid-proof': 2 });
        expect(outcome.valid).toBe(values.length);
        const forgedIds = forged.map((report) => Buffer.from(report.reportId).toString('hex'));
        expect(outcome.validReportIds.filter((id) => forgedIds.includes(id))).toEqual([]);
        // Honest bands 8, 7, 5, 4 at k = 5: the last below k, withheld with the next smallest. Counted, the lies
        // would make them 9, 8, 5, 6 and every band released.
        expect(outcome.release).toMatchObject({
          suppressed: false,
          homes: 25,
          bands: [
            { label: 'below 800 ppm', homes: 10 },
            { label: '800–1000 ppm', homes: 5 },
            { label: '1000–1500 ppm', homes: null },
            { label: 'above 1500 ppm', homes: null },
          ],
        });
      } finally {
        await helper.close();
      }
    },
    60_000,
  );

  attack(
    {
      id: 'P16-11',
      attacker: 'gateway',
      tried:
        'in a two-metric vector report, count itself twice for one (an inclusion bit of 2) or claim a value bit of 1000',
      expected:
        'the proof that every entry is 0 or 1 fails; both reports are refused, counted, and add to no metric’s count or sum',
    },
    async () => {
      const vector = sumVectorEncodingFor(['cold.below18.hours', 'temperature.mean'], parsePeriod('2026-01'));
      const values = (cold: number, mean: number | null) =>
        new Map([
          ['cold.below18.hours', { included: true, value: cold }],
          ['temperature.mean', { included: mean !== null, value: mean }],
        ]);
      // 10 homes count for the cold hours, 9 for the mean temperature: one short of k = 10.
      const honest = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          createVectorReport(task, vector, values(10 * index, index < 9 ? 18 : null)),
        ),
      );
      const flp = Object.getPrototypeOf(prio3SumVecFor(vector).flp) as { encode: () => bigint[] };
      const meanCount = vector.slots.find(
        (slot) => slot.encoding.metricId === 'temperature.mean',
      )!.countIndex;
      const forged = [];
      for (const [index, entry] of [
        [meanCount, 2n],
        [meanCount + 1, 1000n],
      ] as const) {
        const lie = encodeHomeVector(vector, values(20, 18)).map(BigInt);
        lie[index] = entry;
        const encode = vi.spyOn(flp, 'encode').mockReturnValue(lie);
        forged.push(
          await createReportFromMeasurement(task, vector, new Array<number>(vector.length).fill(0)),
        );
        encode.mockRestore();
      }
      const { decided, finished, shares } = await aggregateBoth(
        { leaderKeys, helperKeys, taskId: task.id },
        vector,
        [...honest, ...forged],
      );
      expect(decided.rejected).toEqual({ 'invalid-proof': 2 });
      expect(finished.rejected).toEqual({ 'invalid-proof': 2 });
      const collected = collectSumVector(vector, shares);
      expect(collected.get('temperature.mean')).toMatchObject({ count: 9 });
      expect(collected.get('cold.below18.hours')).toMatchObject({ count: 10, sum: 450 });
      // Counted, the inclusion bit of 2 would lift the mean temperature to 11 homes and release it.
      const released = releaseCollectedVector(vector, shares, 10).cells;
      expect(released.get('temperature.mean')).toMatchObject({ suppressed: true, reason: 'below-k' });
      expect(released.get('cold.below18.hours')).toMatchObject({ suppressed: false, homes: 10 });
    },
  );

  attack(
    {
      id: 'P16-12',
      attacker: 'gateway',
      tried:
        'in a vector report, add a value (inclusion bit 1) to a metric its public hd:countsFor leaves out',
      expected:
        'the summed inclusion bits differ from the reports naming the metric: its cell is withheld and counted',
    },
    async () => {
      const plan = planRun({
        metrics: ['cold.below18.hours', 'temperature.mean'],
        areas: ['E05018412'],
        period: { from: '2026-01-01', to: '2026-01-31' },
        granularity: 'month',
        byDwellingType: false,
      });
      const vector = sumVectorEncodingFor(['cold.below18.hours', 'temperature.mean'], parsePeriod('2026-01'));
      const both = new Map([
        ['cold.below18.hours', { included: true, value: 40 }],
        ['temperature.mean', { included: true, value: 19 }],
      ]);
      const honest = await Promise.all(
        Array.from({ length: 11 }, () => createVectorReport(task, vector, both)),
      );
      const told = await createVectorReport(task, vector, both);
      expect(told.countsFor).toEqual(vector.metricIds);
      const lie = { ...told, countsFor: ['cold.below18.hours' as const] };
      const pods = new ReportPods();
      const reports = [...honest, lie];
      const homes = pods.put(task, reports);
      const table = new Prio3CellTable(plan);
      for (const report of reports) {
        const job = homes.get(reportIdHex(report))!;
        table.add(job.pod, job, {
          profile: { area: 'E05018412', dwellingType: 'Terraced', timeZone: 'Europe/London' },
          versions: new Map(),
          // The leader's key of a home's vector report for a period (prio3-run.ts, readPrio3Home).
          reports: new Map([['vector|2026-01', { url: `${job.pod}report`, slot: report }]]),
        });
      }
      const helper = await helperFor(pods, { minimumBatch: 10 });
      const lines: string[] = [];
      try {
        const collected = await collectCells(table, {
          leader: { keys: leaderKeys, aggregators: task.aggregators, helper: helper.client },
          taskId: task.id,
          k: 10,
          floor: 1,
          epsilonPerCell: null,
          random: seededRandomSource(1),
          logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
        });
        expect(collected.rejected).toEqual({ 'inclusion-mismatch': 1 });
        const cells = new Map(collected.cohorts.map((cohort) => [cohort.metric, cohort]));
        // The leader names 11 homes for the mean temperature; 12 values were summed.
        expect(cells.get('temperature.mean')!.homeKeys).toHaveLength(11);
        expect(collected.releases.get(cellLabel(cells.get('temperature.mean')!))).toMatchObject({
          suppressed: true,
          mean: null,
        });
        expect(collected.releases.get(cellLabel(cells.get('cold.below18.hours')!))).toMatchObject({
          suppressed: false,
          homes: 10,
          mean: 40,
        });
        expect(lines.join('')).toMatch(/"metrics":\["temperature.mean"\].*cells withheld/);
      } finally {
        await helper.close();
      }
    },
    60_000,
  );
});
