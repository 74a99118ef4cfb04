// Prio3 benchmark: per-report cost at the home and at each aggregator, and homes/s of a prio3 run next to a plain run.
import { Buffer } from 'node:buffer';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addCouncil, startBroker, type RunningBroker } from '../src/broker/index.ts';
import { createRequest } from '../src/broker/requests/request-transactor.ts';
import { forEachBounded } from '../src/bounded-concurrency.ts';
import { generateFixtureSet } from '../src/fixtures/fixture-set.ts';
import { readFixtureReadings } from '../src/fixtures/write-fixtures.ts';
import { buildPrio3Report } from '../src/gateway/prio3-reports.ts';
import { createLogger } from '../src/logging.ts';
import { parsePeriod, summariseReadings, type DailySummary } from '../src/metrics/index.ts';
import { AccountApi } from '../src/pod/account-api.ts';
import { writeTurtle } from '../src/pod/resource-write.ts';
import { loginWithClientCredentials } from '../src/pod/solid-session.ts';
import { grantAccess } from '../src/pod/wac.ts';
import { writeIntoCopy } from './pod-copies.ts';
import {
  HELPER,
  LEADER,
  aggregateShare,
  createHomeReport,
  createVectorReport,
  encodingMetrics,
  encodingWidth,
  histogramEncodingFor,
  isHistogramEncoding,
  isSumVectorEncoding,
  decidePreparation,
  finishPreparation,
  generateAggregatorKeyPair,
  reportQuads,
  startPreparation,
  sumEncodingFor,
  sumVectorEncodingFor,
  type AggregatorKeys,
  type Prio3ReportEncoding,
  type Prio3Task,
} from '../src/private-aggregation/index.ts';
import { serializeTurtle } from '../src/vocab/index.ts';
import { enrolTestHomes } from '../test/helpers/enrol-homes.ts';
import { startHelperProcess } from '../test/helpers/helper-aggregator-process.ts';
import {
  METRIC,
  TIME_ZONE,
  brokerRun,
  januaryRequest,
  recordConsent,
  seedHomes,
  startPodServerChild,
  type BenchHome,
} from './broker.ts';

const PERIOD = parsePeriod('2026-01');

/** CPU milliseconds (user + system) of `work`, this process. */
async function cpuMs<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const before = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, value };
}

/** The VDAF's name of an encoding, for the table. */
function vdafName(encoding: Prio3ReportEncoding): string {
  if (isSumVectorEncoding(encoding)) return 'Prio3SumVec';
  return isHistogramEncoding(encoding) ? 'Prio3Histogram' : 'Prio3Sum';
}

/** A home's report of `value` under `encoding`; a vector carries it (shifted per metric) for every metric it has. */
function benchReport(task: Prio3Task, encoding: Prio3ReportEncoding, value: number) {
  if (!isSumVectorEncoding(encoding)) return createHomeReport(task, encoding, value);
  const values = new Map(
    encoding.slots.map(({ encoding: metric }) => [
      metric.metricId,
      { included: true, value: metric.lower + value },
    ]),
  );
  return createVectorReport(task, encoding, values);
}

/** Per-report costs, measured in this process over `count` reports of `encoding` (no network). */
export async function measureReportCosts(encoding: Prio3ReportEncoding, count: number) {
  const [leaderPair, helperPair] = await Promise.all([
    generateAggregatorKeyPair(),
    generateAggregatorKeyPair(),
  ]);
  const task: Prio3Task = {
    id: 'bench-task',
    aggregators: [
      { id: 'https://broker.example/id#broker', publicKey: leaderPair.publicKey },
      { id: 'https://helper.example/id#helper', publicKey: helperPair.publicKey },
    ],
  };
  const verifyKey = new Uint8Array(16).fill(9);
  const leader: AggregatorKeys = { aggregatorId: LEADER, privateKey: leaderPair.privateKey, verifyKey };
  const helper: AggregatorKeys = { aggregatorId: HELPER, privateKey: helperPair.privateKey, verifyKey };
  const values = Array.from({ length: count }, (_, index) => {
    if (isSumVectorEncoding(encoding)) return ((index * 37) % 200) / 10;
    return isHistogramEncoding(encoding)
      ? 400 + ((index * 37) % 1600)
      : encoding.lower + ((index * 37) % 200) / 10;
  });
  const url = 'https://pod.example/home/homedata/reports/bench-task/x/2026-01.ttl';
  const shard = await cpuMs(async () => {
    const reports = [];
    for (const value of values) reports.push(await benchReport(task, encoding, value));
    return reports;
  });
  const reports = shard.value;
  const shareBytes = reports.map(
    (report) =>
      report.publicShare.length +
      report.shares.reduce((sum, share) => sum + share.enc.length + share.ciphertext.length, 0),
  );
  const documentBytes = reports.map((report) =>
    Buffer.byteLength(serializeTurtle(reportQuads(report, task, url), { baseIRI: url })),
  );
  const leaderInit = await cpuMs(() => startPreparation(leader, task.id, encoding, reports));
  const helperPrepare = await cpuMs(async () => {
    const step = await startPreparation(helper, task.id, encoding, reports);
    const shares = new Map(
      leaderInit.value.prepared.map((report) => [report.reportId, report.preparationShare]),
    );
    return decidePreparation(encoding, step.prepared, shares);
  });
  const leaderFinish = await cpuMs(() =>
    finishPreparation(encoding, leaderInit.value.prepared, helperPrepare.value.messages),
  );
  const leaderAggregate = await cpuMs(() => aggregateShare(encoding, leaderFinish.value.outputShares));
  const helperAggregate = await cpuMs(() => aggregateShare(encoding, helperPrepare.value.outputShares));
  return {
    metric: encodingMetrics(encoding),
    type: vdafName(encoding),
    width: encodingWidth(encoding),
    reports: count,
    reportDocumentBytes: documentBytes.reduce((sum, bytes) => sum + bytes, 0) / count,
    sealedShareBytes: shareBytes.reduce((sum, bytes) => sum + bytes, 0) / count,
    gatewayShardMs: shard.ms / count,
    leaderPrepareMs: (leaderInit.ms + leaderFinish.ms) / count,
    leaderAggregateMs: leaderAggregate.ms / count,
    helperPrepareMs: helperPrepare.ms / count,
    helperAggregateMs: helperAggregate.ms / count,
  };
}

/** January temperature summaries of each fixture home, as bench/broker.ts seeds them (home i is fixture i mod 24). */
async function fixtureSummaries(): Promise<DailySummary[][]> {
  const fixtures = generateFixtureSet();
  return Promise.all(
    fixtures.homes.map(async (fixture) => {
      const readings = (await readFixtureReadings('pods-fixtures', fixture.id)).filter(
        (reading) => reading.property === 'temperature',
      );
      return summariseReadings(readings, TIME_ZONE, { now: new Date('2026-02-02T00:00:00Z') });
    }),
  );
}

/**
 * What a consenting home's side of a prio3 request amounts to, done directly (not timed): its gateway's report in
 * its pod, and the broker's and the helper's Read on the request's reports (the helper reads them itself). Homes
 * seeded through the API write theirs logged in; copies on disk (bench/pod-copies.ts) get theirs on disk, after
 * their template, with the grants their template made.
 */
async function prepareReports(
  homes: readonly BenchHome[],
  task: Prio3Task,
  brokerWebId: string,
  summaries: readonly DailySummary[][],
  pods: { url: string; dir: string },
): Promise<void> {
  const reportOf = (home: BenchHome, index: number) =>
    buildPrio3Report(
      home.layout,
      { task, metricId: METRIC, period: PERIOD, timeZone: TIME_ZONE },
      summaries[index % summaries.length]!,
    );
  const entries = homes.map((home, index) => ({ home, index }));
  await forEachBounded(
    entries.filter(({ home }) => home.login !== undefined),
    4,
    async ({ home, index }) => {
      const built = await reportOf(home, index);
      if (built === null) return;
      const agent = await loginWithClientCredentials(home.login!);
      try {
        await writeTurtle(agent.fetch, built.url, serializeTurtle(built.quads, { baseIRI: built.url }));
        const editor = { fetch: agent.fetch, ownerWebId: agent.webId };
        await grantAccess(editor, home.layout.reportTaskContainer(task.id), brokerWebId, ['Read']);
        await grantAccess(editor, home.layout.reportTaskContainer(task.id), task.aggregators[1].id, ['Read']);
      } finally {
        await agent.logout();
      }
    },
  );
  for (const { home, index } of entries.filter(({ home }) => home.copyOf !== undefined)) {
    const built = await reportOf(home, index);
    if (built === null) continue;
    await writeIntoCopy(
      pods.dir,
      pods.url,
      { url: built.url, turtle: serializeTurtle(built.quads, { baseIRI: built.url }) },
      {
        container: home.layout.reportTaskContainer(task.id),
        template: home.copyOf!.resident.pod,
        copy: home.resident.pod,
      },
    );
  }
}

/** A plain and a prio3 run of the same request over the same homes, in this order, on one broker. */
async function runPair(
  broker: RunningBroker,
  apiKey: string,
  councilId: string,
  members: readonly BenchHome[],
  prio3Task: (requestId: string) => Prio3Task,
  summaries: readonly DailySummary[][],
  pods: { url: string; dir: string },
) {
  const areas = [...new Set(members.map((home) => home.area))];
  const request = (aggregation: 'plain' | 'prio3') =>
    januaryRequest(`Bench ${aggregation} ${members.length}`, areas, aggregation);
  const now = new Date();
  const plainId = await createRequest(broker.db, councilId, request('plain'), now);
  const prio3Id = await createRequest(broker.db, councilId, request('prio3'), now);
  for (const home of members) {
    await recordConsent(broker.db, plainId, home, now);
    await recordConsent(broker.db, prio3Id, home, now);
  }
  await prepareReports(members, prio3Task(prio3Id), broker.webId, summaries, pods);
  const plain = await brokerRun(broker, apiKey, plainId);
  const prio3 = await brokerRun(broker, apiKey, prio3Id);
  const released = plain.cells.filter((cell) => cell.mean !== null).length;
  const same =
    released > 0 &&
    plain.cells.every((cell, index) => {
      const twin = prio3.cells[index];
      if (cell.mean === null || twin?.mean === null || twin === undefined)
        return cell.mean === (twin?.mean ?? null);
      return Math.abs(cell.mean - twin.mean) <= 0.06;
    });
  return {
    homes: members.length,
    plainHomesPerSecond: members.length / plain.seconds,
    prio3HomesPerSecond: members.length / prio3.seconds,
    ratio: plain.seconds / prio3.seconds,
    sameCells: same,
  };
}

/** Seeds the largest population once, then measures each size. */
export async function runPrio3Bench(sizes: readonly number[]) {
  const dir = await mkdtemp(join(tmpdir(), 'homedata-bench-prio3-'));
  const podsDir = join(dir, 'pods');
  const pods = await startPodServerChild(podsDir);
  let broker: RunningBroker | undefined;
  let helper: Awaited<ReturnType<typeof startHelperProcess>> | undefined;
  try {
    const api = new AccountApi(pods.url);
    const [brokerIdentity, helperIdentity] = await Promise.all([
      api.provision({ email: 'broker@bench.example', password: 'pw-bench-broker-secret', podName: 'broker' }),
      api.provision({ email: 'helper@bench.example', password: 'pw-bench-helper-secret', podName: 'helper' }),
    ]);
    const seedStarted = performance.now();
    const homes = await seedHomes(pods.url, brokerIdentity.webId, Math.max(...sizes), podsDir);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    helper = await startHelperProcess(helperIdentity, { leaderWebId: brokerIdentity.webId });
    broker = await startBroker(
      {
        port: 0,
        issuer: pods.url,
        webId: brokerIdentity.webId,
        clientId: brokerIdentity.clientId,
        clientSecret: brokerIdentity.clientSecret,
        dbDir: join(dir, 'broker-db'),
        auditKeyFile: join(dir, 'broker-audit.key'),
        rateLimit: { windowMs: 60_000, max: 1_000_000 },
        privateAggregation: helper.leaderConfig,
      },
      { logger: createLogger('bench-broker', 'warn') },
    );
    const info = (await (await fetch(`${broker.url}api/broker`)).json()) as {
      privateAggregation: {
        leader: { id: string; publicKey: string };
        helper: { id: string; publicKey: string };
      };
    };
    const prio3Task = (id: string): Prio3Task => ({
      id,
      aggregators: [
        {
          id: info.privateAggregation.leader.id,
          publicKey: Buffer.from(info.privateAggregation.leader.publicKey, 'base64'),
        },
        {
          id: info.privateAggregation.helper.id,
          publicKey: Buffer.from(info.privateAggregation.helper.publicKey, 'base64'),
        },
      ],
    });
    // Only enrolled homes count (one dwelling, one home): enrolled here as an operator would.
    await enrolTestHomes(
      broker.db,
      homes.map((home) => ({ pod: home.resident.pod, residentWebId: home.resident.webId })),
    );
    const council = await addCouncil(broker.db, 'Bench Council');
    const summaries = await fixtureSummaries();
    const steps = [];
    for (const size of sizes) {
      steps.push(
        await runPair(broker, council.apiKey, council.id, homes.slice(0, size), prio3Task, summaries, {
          url: pods.url,
          dir: podsDir,
        }),
      );
    }
    return { seedSeconds, steps };
  } finally {
    await broker?.stop();
    await helper?.stop();
    pods.child.kill('SIGTERM');
    await new Promise((done) => pods.child.once('exit', done));
    await rm(dir, { recursive: true, force: true });
  }
}

/** `npm run bench -- prio3 [--homes 200,2000] [--reports N] [--costs-only]`. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { homes: { type: 'string' }, reports: { type: 'string' }, 'costs-only': { type: 'boolean' } },
  });
  const sizes = (values.homes ?? '200,2000').split(',').map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 10)) {
    throw new Error('--homes is a comma-separated list of whole numbers of at least 10');
  }
  const reports = Number(values.reports ?? 200);
  const loadBefore = (await import('node:os')).loadavg();
  const costs = [];
  for (const encoding of [
    sumEncodingFor('temperature.mean', PERIOD),
    sumEncodingFor('cold.below18.hours', PERIOD),
    histogramEncodingFor('co2.night.band', PERIOD),
    sumVectorEncodingFor(['temperature.mean', 'cold.below18.hours'], PERIOD),
  ])
    costs.push(await measureReportCosts(encoding, reports));
  process.stdout.write(
    `prio3 benchmark (load average ${loadBefore.map((load) => load.toFixed(1)).join(' ')})\n`,
  );
  process.stdout.write(
    'metric                              type            width  report B  shares B  gateway shard ms  leader prep ms  leader agg ms  helper prep ms  helper agg ms\n',
  );
  for (const cost of costs) {
    const documentBytes = cost.reportDocumentBytes.toFixed(0);
    process.stdout.write(
      `${cost.metric.padEnd(35)} ${cost.type.padEnd(15)} ${cost.width.padStart(5)} ${documentBytes.padStart(9)} ` +
        `${cost.sealedShareBytes.toFixed(0).padStart(9)} ` +
        `${cost.gatewayShardMs.toFixed(2).padStart(17)} ${cost.leaderPrepareMs.toFixed(2).padStart(15)} ` +
        `${cost.leaderAggregateMs.toFixed(3).padStart(14)} ${cost.helperPrepareMs.toFixed(2).padStart(15)} ` +
        `${cost.helperAggregateMs.toFixed(3).padStart(14)}\n`,
    );
  }
  if (values['costs-only']) {
    process.stdout.write(`${JSON.stringify({ benchmark: 'prio3', loadBefore, costs })}\n`);
    return;
  }
  const runs = await runPrio3Bench(sizes);
  const loadAfter = (await import('node:os')).loadavg();
  process.stdout.write(`homes seeded in ${runs.seedSeconds.toFixed(0)} s\n`);
  process.stdout.write('homes  plain homes/s  prio3 homes/s  prio3/plain  same cells\n');
  for (const step of runs.steps) {
    process.stdout.write(
      `${String(step.homes).padStart(5)} ${step.plainHomesPerSecond.toFixed(1).padStart(14)} ` +
        `${step.prio3HomesPerSecond.toFixed(1).padStart(14)} ${step.ratio.toFixed(2).padStart(12)} ${String(step.sameCells).padStart(11)}\n`,
    );
  }
  process.stdout.write(`${JSON.stringify({ benchmark: 'prio3', loadBefore, loadAfter, costs, ...runs })}\n`);
}
