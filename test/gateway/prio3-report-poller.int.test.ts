// Integration: a running gateway finds the broker's open prio3 tasks and writes its home's reports itself (real CSS,
// real broker), once across restarts; a broker that is down or answers garbage is logged and never stops readings.
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addCouncil, startBroker, type NewCouncil, type RunningBroker } from '../../src/broker/index.ts';
import type { Prio3TaskList } from '../../src/broker/contract.ts';
import { readKeyFile, writeNewKeyFile } from '../../src/broker/private-aggregation/helper-config.ts';
import { findFreePort } from '../../src/free-port.ts';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import {
  computeHomeValue,
  daysOfMonth,
  parsePeriod,
  type DailySummary,
  type Reading,
} from '../../src/metrics/index.ts';
import { readTurtle } from '../../src/pod/resource-read.ts';
import {
  HELPER,
  LEADER,
  aggregateShare,
  collectSum,
  decidePreparation,
  finishPreparation,
  readReport,
  startPreparation,
  sumEncodingFor,
  type AggregatorKeyPair,
} from '../../src/private-aggregation/index.ts';
import { pgliteScenarioDatabase, type ScenarioDatabase } from '../helpers/scenario-databases.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';
import { createGatewayHome, observationsOfHour, removeDataDirs, type GatewayHome } from './gateway-home.ts';

const METRIC = 'cold.below18.hours';
const JANUARY = parsePeriod('2026-01');

/** A January of full temperature coverage in two rooms, as the gateway summarised and wrote it. */
function january(): DailySummary[] {
  return ['living-room', 'bedroom-1'].flatMap((room) =>
    daysOfMonth('2026-01').map((date) => ({
      property: 'temperature' as const,
      room,
      date,
      hoursInDay: 24,
      validHours: 24,
      count: 288,
      mean: 19,
      min: 16,
      max: 21,
      hoursBelow18: room === 'bedroom-1' ? 3.7 : 1,
    })),
  );
}

/** A logger whose lines the test reads. */
function capturedLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

describe('the gateway writes its prio3 reports on its own', () => {
  const server = inject('podServer');
  let home: GatewayHome;
  let database: ScenarioDatabase;
  let brokerActor: TestActor;
  let broker: RunningBroker;
  let council: NewCouncil;
  let keyDir: string;
  let leaderKeys: AggregatorKeyPair;
  let helperKeys: AggregatorKeyPair;
  let prio3Request: string;
  const verifyKey = randomBytes(16);

  const createRequest = async (body: Record<string, unknown>) => {
    const response = await fetch(`${broker.url}api/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${council.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Cold homes',
        purpose: 'https://w3id.org/dpv#ImprovePublicServices',
        description: 'Where to target insulation grants.',
        period: { from: '2026-01-01', to: '2026-01-31' },
        granularity: 'month',
        minCohort: 10,
        consentUntil: '2036-12-31',
        areas: ['E05018412'],
        metrics: [METRIC],
        ...body,
      }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), 'homedata-prio3gw-'));
    const [helperPublicKey] = await Promise.all([
      writeNewKeyFile(join(keyDir, 'helper-key.json')),
      writeNewKeyFile(join(keyDir, 'leader-key.json')),
    ]);
    [leaderKeys, helperKeys] = await Promise.all([
      readKeyFile(join(keyDir, 'leader-key.json')),
      readKeyFile(join(keyDir, 'helper-key.json')),
    ]);
    [home, database, brokerActor] = await Promise.all([
      createGatewayHome(server),
      pgliteScenarioDatabase('homedata-prio3gw-db-'),
      createActor(server, 'broker'),
    ]);
    broker = await startBroker(
      {
        port: 0,
        issuer: server,
        webId: brokerActor.identity.webId,
        clientId: brokerActor.identity.clientId,
        clientSecret: brokerActor.identity.clientSecret,
        privateAggregation: {
          keyFile: join(keyDir, 'leader-key.json'),
          verifyKey: verifyKey.toString('base64'),
          // The gateway never talks to the helper; nothing here calls it.
          helper: {
            url: 'http://127.0.0.1:9/',
            webId: 'https://helper.example/profile/card#me',
            publicKey: helperPublicKey,
            token: 'x'.repeat(32),
          },
        },
        ...database.config,
      },
      { logger: pino({ level: 'silent' }) },
    );
    council = await addCouncil(broker.db, 'Northbridge Borough Council');
    await createRequest({});
    prio3Request = await createRequest({ aggregation: 'prio3' });
  }, 120_000);

  afterAll(async () => {
    await broker?.stop();
    await database?.dispose();
    await home?.resident.agent.logout();
    await home?.gateway.agent.logout();
    await removeDataDirs();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  it('GET /api/prio3/tasks lists the open prio3 request with both aggregators’ keys, and nothing about residents', async () => {
    const list = (await (await fetch(`${broker.url}api/prio3/tasks`)).json()) as Prio3TaskList;
    expect(list.tasks.map((task) => task.id)).toEqual([prio3Request]);
    const [task] = list.tasks;
    expect(task).toEqual({
      id: prio3Request,
      metrics: [METRIC],
      areas: ['E05018412'],
      period: { from: '2026-01-01', to: '2026-01-31' },
      granularity: 'month',
      aggregators: {
        leader: {
          id: brokerActor.identity.webId,
          publicKey: Buffer.from(leaderKeys.publicKey).toString('base64'),
        },
        helper: {
          id: 'https://helper.example/profile/card#me',
          publicKey: Buffer.from(helperKeys.publicKey).toString('base64'),
        },
      },
    });
  });

  it('writes the report of an ended period from its kept summaries, which both aggregators open to the home’s value; once, across a restart', async () => {
    const settings = await home.settings({ prio3: { brokerUrl: broker.url, pollMs: 60_000 } });
    const { logger } = capturedLogger();
    const url = home.layout.reportDocument(prio3Request, METRIC, '2026-01');
    let gateway: Gateway = await startGateway(settings, { logger, earlierSummaries: january() });
    try {
      await expect
        .poll(async () => (await home.resident.agent.fetch(url, { method: 'HEAD' })).status, {
          timeout: 30_000,
          interval: 250,
        })
        .toBe(200);
      const document = await readTurtle(home.resident.agent.fetch, url);
      const stored = readReport(document!.store, url);
      expect(stored.aggregatorIds).toEqual([
        brokerActor.identity.webId,
        'https://helper.example/profile/card#me',
      ]);
      const encoding = sumEncodingFor(METRIC, JANUARY);
      const reports = [stored.report];
      const [leaderStep, helperStep] = await Promise.all([
        startPreparation(
          { aggregatorId: LEADER, privateKey: leaderKeys.privateKey, verifyKey },
          prio3Request,
          encoding,
          reports,
        ),
        startPreparation(
          { aggregatorId: HELPER, privateKey: helperKeys.privateKey, verifyKey },
          prio3Request,
          encoding,
          reports,
        ),
      ]);
      const decided = await decidePreparation(
        encoding,
        helperStep.prepared,
        new Map(leaderStep.prepared.map((report) => [report.reportId, report.preparationShare])),
      );
      const finished = finishPreparation(encoding, leaderStep.prepared, decided.messages);
      const shares = [
        aggregateShare(encoding, finished.outputShares),
        aggregateShare(encoding, decided.outputShares),
      ] as const;
      const truth = computeHomeValue(METRIC, january(), JANUARY, 'Europe/London').value!;
      expect(collectSum(encoding, shares, 1).sum).toBeCloseTo(truth, 9);

      const again = await gateway.prio3!.pollNow();
      expect(again).toMatchObject({ tasks: 1, written: 0, existing: 0, refused: 0 });
      await gateway.stop({ finalFlushMs: 0 });
      gateway = await startGateway(settings, { logger });
      expect(await gateway.prio3!.pollNow()).toMatchObject({ tasks: 1, written: 0, existing: 0 });
      // Still exactly one report in the document (a second would make it unreadable).
      const after = await readTurtle(home.resident.agent.fetch, url);
      expect(readReport(after!.store, url).report.reportId).toEqual(stored.report.reportId);
    } finally {
      await gateway.stop({ finalFlushMs: 0 });
    }
  }, 90_000);

  it('waits while the period’s last day still waits for its summary, and writes nothing for a home without data', async () => {
    const settings = await home.settings({ prio3: { brokerUrl: broker.url, pollMs: 60_000 } });
    const { logger } = capturedLogger();
    // The gateway's clock on 1 February 2026 00:30 London: January's last day is over, not its grace of an hour.
    const gateway = await startGateway(
      { ...settings, summaries: { enabled: true, graceMs: 3_600_000 } },
      { logger, now: () => new Date('2026-02-01T00:30:00Z') },
    );
    try {
      expect(await gateway.prio3!.pollNow()).toMatchObject({ tasks: 1, waiting: 1, written: 0 });
    } finally {
      await gateway.stop({ finalFlushMs: 0 });
    }
    const empty = await startGateway(
      await home.settings({ prio3: { brokerUrl: broker.url, pollMs: 60_000 } }),
      {
        logger,
      },
    );
    try {
      expect(await empty.prio3!.pollNow()).toMatchObject({ tasks: 1, notIncluded: 1, written: 0 });
    } finally {
      await empty.stop({ finalFlushMs: 0 });
    }
  }, 60_000);

  describe('a broker that is down or answers garbage', () => {
    let answer: { status: number; body: string } = { status: 200, body: '{"tasks":[]}' };
    let garbage: Server;
    let garbageUrl: string;

    beforeAll(async () => {
      const port = await findFreePort();
      garbage = createServer((_req, res) => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body);
      });
      await new Promise<void>((resolve) => garbage.listen(port, '127.0.0.1', resolve));
      garbageUrl = `http://127.0.0.1:${port}/`;
    });

    afterAll(async () => {
      await new Promise((resolve) => garbage?.close(resolve));
    });

    it('logs each failure as a clear error and keeps writing readings', async () => {
      const closedPort = await findFreePort();
      const { logger, lines } = capturedLogger();
      const settings = await home.settings({ prio3: { brokerUrl: garbageUrl, pollMs: 60_000 } });
      const gateway = await startGateway(settings, { logger });
      try {
        const cases: [typeof answer, string][] = [
          [{ status: 500, body: '{"title":"boom"}' }, 'The broker answered 500'],
          [{ status: 200, body: '<html>not json' }, 'not JSON'],
          [{ status: 200, body: '{"tasks":[{"id":"not-a-uuid"}]}' }, 'does not match its contract'],
        ];
        answer = {
          status: 200,
          body: JSON.stringify({
            tasks: [
              {
                id: '6f1c2a52-3a6e-4f43-9d43-1b7f0e0c9a11',
                metrics: [METRIC],
                areas: [],
                period: { from: '2026-02-01', to: '2026-01-01' },
                granularity: 'month',
                aggregators: {
                  leader: { id: 'https://broker.example/', publicKey: Buffer.alloc(32).toString('base64') },
                  helper: { id: 'https://helper.example/', publicKey: Buffer.alloc(32).toString('base64') },
                },
              },
            ],
          }),
        };
        // A task whose period ends before it starts is skipped with an error, and the poll goes on.
        expect(await gateway.prio3!.pollNow()).toMatchObject({ tasks: 1, written: 0 });
        expect(lines.some((line) => line.includes('prio3 task skipped'))).toBe(true);
        for (const [given, message] of cases) {
          answer = given;
          const report = await gateway.prio3!.pollNow();
          expect(report.error).toContain(message);
          expect(report.written).toBe(0);
        }
        const down = await startGateway(
          await home.settings({ prio3: { brokerUrl: `http://127.0.0.1:${closedPort}/`, pollMs: 60_000 } }),
          { logger },
        );
        try {
          expect((await down.prio3!.pollNow()).error).toContain('unreachable');
        } finally {
          await down.stop({ finalFlushMs: 0 });
        }
        const errors = lines
          .map((line) => JSON.parse(line) as { level: number; msg: string; err?: { message: string } })
          .filter((line) => line.level >= 50 && line.msg.startsWith('prio3 tasks not fetched'));
        // The start-up polls (one per gateway) may add a copy of a failure; each kind is logged, nothing else.
        const messages = errors.map((line) => line.err?.message ?? '');
        for (const kind of ['500', 'not JSON', 'contract', 'unreachable']) {
          expect(messages.some((message) => message.includes(kind))).toBe(true);
        }
        expect(messages.filter((message) => !/500|not JSON|contract|unreachable/.test(message))).toEqual([]);

        const time = new Date('2026-03-02T10:00:00Z');
        const reading: Reading = {
          sensor: 'living-th1',
          room: 'living-room',
          property: 'temperature',
          time,
          value: 19.5,
        };
        expect((await gateway.intake.readings([reading], { source: 'simulator' })).accepted).toBe(1);
        await expect
          .poll(() => observationsOfHour(home.resident.agent, home.layout, time), {
            timeout: 30_000,
            interval: 250,
          })
          .toBe(1);
      } finally {
        await gateway.stop({ finalFlushMs: 0 });
      }
    }, 60_000);
  });
});
