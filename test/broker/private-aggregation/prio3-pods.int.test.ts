// Integration: gateways append Prio3 reports to three pods, leader and helper each read them with their own identity, and the cell sums.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createHelperApp } from '../../../src/broker/private-aggregation/helper-app.ts';
import { helperReportReader } from '../../../src/broker/private-aggregation/helper-pod-reader.ts';
import type { JobHome } from '../../../src/broker/private-aggregation/helper-protocol.ts';
import { HelperStore } from '../../../src/broker/private-aggregation/helper-store.ts';
import {
  collectPrio3Cell,
  httpHelperClient,
} from '../../../src/broker/private-aggregation/leader-collection.ts';
import { readCellReports, type ReadDocument } from '../../../src/broker/private-aggregation/report-reader.ts';
import { PodWriter } from '../../../src/gateway/pod-writer.ts';
import {
  buildPrio3Report,
  writePrio3Report,
  type Prio3ReportRequest,
} from '../../../src/gateway/prio3-reports.ts';
import { createLogger } from '../../../src/logging.ts';
import { daysOfMonth, parsePeriod, type DailySummary } from '../../../src/metrics/index.ts';
import { readTurtle } from '../../../src/pod/resource-read.ts';
import { setAgentModes } from '../../../src/pod/wac.ts';
import {
  LEADER,
  generateAggregatorKeyPair,
  reportIdHex,
  sumEncodingFor,
  type AggregatorKeyPair,
  type Prio3Task,
} from '../../../src/private-aggregation/index.ts';
import { createActor, type TestActor } from '../../helpers/identities.ts';
import { createGatewayHome, removeDataDirs, type GatewayHome } from '../../gateway/gateway-home.ts';

const period = parsePeriod('2026-01');
const encoding = sumEncodingFor('cold.below18.hours', period);
const HOURS_BELOW_18 = [2, 3, 4.5];
const TOKEN = 'leader-token-leader-token-leader-token';
const verifyKey = new Uint8Array(16).fill(6);
let homes: GatewayHome[];
let writers: PodWriter[];
let broker: TestActor;
let helperActor: TestActor;
let leaderPair: AggregatorKeyPair;
let helperPair: AggregatorKeyPair;
let task: Prio3Task;
let server: Server;
let store: HelperStore;

/** A January of full coverage in one bedroom with `hours` below 18 °C a day. */
function january(hours: number): DailySummary[] {
  return daysOfMonth('2026-01').map((date) => ({
    property: 'temperature' as const,
    room: 'bedroom-1',
    date,
    hoursInDay: 24,
    validHours: 24,
    count: 288,
    mean: 18.5,
    min: 16,
    max: 21,
    hoursBelow18: hours,
  }));
}

/** An aggregator's reader: its own authenticated fetch, RDF of a document or null when there is none. */
function readerOf(actor: TestActor): ReadDocument {
  return async (url) => (await readTurtle(actor.agent.fetch, url))?.store ?? null;
}

beforeAll(async () => {
  const server_ = inject('podServer');
  [homes, broker, helperActor, [leaderPair, helperPair]] = await Promise.all([
    Promise.all(HOURS_BELOW_18.map(() => createGatewayHome(server_))),
    createActor(server_, 'broker'),
    createActor(server_, 'helper'),
    Promise.all([generateAggregatorKeyPair(), generateAggregatorKeyPair()]),
  ]);
  task = {
    id: 'pods-task',
    aggregators: [
      { id: broker.identity.webId, publicKey: leaderPair.publicKey },
      { id: helperActor.identity.webId, publicKey: helperPair.publicKey },
    ],
  };
  writers = homes.map(
    (home) => new PodWriter(home.gateway.identity, createLogger('gateway', 'silent'), () => new Date()),
  );
  // Pod set-up lets the gateway append reports; here each resident also lets both aggregators read them (what a
  // Prio3 consent would grant; not wired into consent records yet).
  await Promise.all(
    homes.map(async (home) => {
      const editor = { fetch: home.resident.agent.fetch, ownerWebId: home.resident.agent.webId };
      await setAgentModes(editor, home.layout.reports, broker.identity.webId, ['Read']);
      await setAgentModes(editor, home.layout.reports, helperActor.identity.webId, ['Read']);
    }),
  );
  store = await HelperStore.open({ kind: 'memory' }, 100);
  // The helper reads with its own login, under the outbound rules the broker's reads follow.
  const app = createHelperApp(
    {
      privateKey: helperPair.privateKey,
      verifyKey,
      leaderToken: TOKEN,
      minimumBatch: 3,
      aggregatorIds: [broker.identity.webId, helperActor.identity.webId],
      readDocument: helperReportReader(helperActor.agent.fetch, {
        allowedOrigins: new Set([new URL(server_).origin]),
        allowPrivateNetwork: false,
        timeoutMs: 10_000,
        maxBytes: 64 * 1024,
      }),
      store,
    },
    createLogger('helper', 'silent'),
  );
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await store?.close();
  await Promise.all(writers?.map((writer) => writer.close()) ?? []);
  for (const actor of [broker, helperActor, ...(homes ?? []).flatMap((h) => [h.resident, h.gateway])]) {
    await actor?.agent.logout();
  }
  await removeDataDirs();
});

describe('a Prio3 cell from the pods', () => {
  it('sums three homes’ reports that leader and helper each read from the pods', async () => {
    await Promise.all(
      homes.map(async (home, index) => {
        const request: Prio3ReportRequest = {
          task,
          metricId: encoding.metricId,
          period,
          timeZone: 'Europe/London',
        };
        expect(
          await writePrio3Report(writers[index]!, home.layout, request, january(HOURS_BELOW_18[index]!)),
        ).toEqual({
          kind: 'written',
        });
      }),
    );
    const layouts = homes.map((home) => home.layout);
    const atLeader = await readCellReports(readerOf(broker), layouts, task, encoding);
    const atHelper = await readCellReports(readerOf(helperActor), layouts, task, encoding);
    expect({ missing: atLeader.missing, malformed: atLeader.malformed }).toEqual({
      missing: 0,
      malformed: 0,
    });
    expect(atHelper.reports.map((r) => reportIdHex(r.report))).toEqual(
      atLeader.reports.map((r) => reportIdHex(r.report)),
    );
    const homesOf = new Map<string, JobHome>(
      atLeader.reports.map(({ report, home }) => {
        const layout = homes[home]!.layout;
        return [reportIdHex(report), { pod: layout.pod, consentRecord: layout.consentDocument(task.id) }];
      }),
    );
    const { release } = await collectPrio3Cell(
      {
        keys: { aggregatorId: LEADER, privateKey: leaderPair.privateKey, verifyKey },
        taskId: task.id,
        encoding,
        reports: atLeader.reports.map((r) => r.report),
        homes: homesOf,
        helper: httpHelperClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, TOKEN),
        k: 3,
        floor: 1,
      },
      createLogger('broker', 'silent'),
    );
    const expected = (HOURS_BELOW_18.reduce((a, b) => a + b, 0) * 31) / 3;
    expect(release).toMatchObject({ suppressed: false, median: null });
    expect(release.mean).toBeCloseTo(expected, 9);
  }, 60_000);

  it('writes a report once, and counts a pod document holding two reports (a gateway that appended twice) as malformed', async () => {
    const home = homes[0]!;
    const request: Prio3ReportRequest = {
      task,
      metricId: encoding.metricId,
      period,
      timeZone: 'Europe/London',
    };
    expect(await writePrio3Report(writers[0]!, home.layout, request, january(9))).toEqual({
      kind: 'exists',
    });
    expect((await readCellReports(readerOf(broker), [home.layout], task, encoding)).reports).toHaveLength(1);
    const second = await buildPrio3Report(home.layout, request, january(9));
    expect(await writers[0]!.insert(second!.url, second!.quads)).toEqual({ kind: 'written' });
    const read = await readCellReports(readerOf(broker), [home.layout], task, encoding);
    expect(read).toMatchObject({ reports: [], malformed: 1 });
  }, 60_000);

  it('counts a home without a report as missing', async () => {
    const other = { ...task, id: 'no-reports-task' };
    const read = await readCellReports(readerOf(broker), [homes[1]!.layout], other, encoding);
    expect(read).toMatchObject({ reports: [], missing: 1 });
  });
});
