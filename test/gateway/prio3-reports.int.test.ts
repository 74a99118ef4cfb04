// Integration: the gateway appends a Prio3 report to the resident's pod; it names metric, period and aggregators, not the value.
import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PodWriter } from '../../src/gateway/pod-writer.ts';
import {
  reportRequestsFor,
  writePrio3Report,
  type Prio3ReportRequest,
} from '../../src/gateway/prio3-reports.ts';
import { createLogger } from '../../src/logging.ts';
import { daysOfMonth, parsePeriod, type DailySummary } from '../../src/metrics/index.ts';
import { readTurtle } from '../../src/pod/resource-read.ts';
import {
  HELPER,
  LEADER,
  collectHistogram,
  collectSum,
  collectSumVector,
  generateAggregatorKeyPair,
  histogramEncodingFor,
  readReport,
  readReportDocument,
  sumEncodingFor,
  sumVectorEncodingFor,
  type AggregatorKeyPair,
  type Prio3Report,
  type SumVectorEncoding,
} from '../../src/private-aggregation/index.ts';
import { validateAgainstShapes } from '../../src/vocab/index.ts';
import { aggregateBoth } from '../helpers/prio3-aggregators.ts';
import { createGatewayHome, removeDataDirs, type GatewayHome } from './gateway-home.ts';

let home: GatewayHome;
let writer: PodWriter;
let leader: AggregatorKeyPair;
let helper: AggregatorKeyPair;
let request: Prio3ReportRequest;
const verifyKey = new Uint8Array(16).fill(3);
const period = parsePeriod('2026-01');

/** A January of full temperature coverage in two rooms; the colder one has 3.7 h below 18 °C a day. */
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

/** A January of night CO2 in two bedrooms, 1100 and 1400 ppm: a home mean of 1250 ppm, the band 1000–1500 ppm. */
function januaryCo2(): DailySummary[] {
  return ['bedroom-1', 'bedroom-2'].flatMap((room, index) =>
    daysOfMonth('2026-01').map((date) => ({
      property: 'co2' as const,
      room,
      date,
      hoursInDay: 24,
      validHours: 24,
      count: 288,
      mean: 900,
      min: 500,
      max: 1600,
      nightMean: index === 0 ? 1100 : 1400,
      nightHours: 9,
    })),
  );
}

/** Both aggregators of task `taskId`, as aggregateBoth takes them. */
function aggregatorsOf(taskId: string) {
  return {
    taskId,
    leaderKeys: { aggregatorId: LEADER, privateKey: leader.privateKey, verifyKey },
    helperKeys: { aggregatorId: HELPER, privateKey: helper.privateKey, verifyKey },
  } as const;
}

beforeAll(async () => {
  home = await createGatewayHome(inject('podServer'));
  writer = new PodWriter(home.gateway.identity, createLogger('gateway', 'silent'), () => new Date());
  [leader, helper] = await Promise.all([generateAggregatorKeyPair(), generateAggregatorKeyPair()]);
  request = {
    task: {
      id: 'council-a-2026-01',
      aggregators: [
        { id: 'https://broker.example/id#broker', publicKey: leader.publicKey },
        { id: 'https://helper.example/id#helper', publicKey: helper.publicKey },
      ],
    },
    metricId: 'cold.below18.hours',
    period,
    timeZone: 'Europe/London',
  };
});

afterAll(async () => {
  await writer?.close();
  await home?.resident.agent.logout();
  await home?.gateway.agent.logout();
  await removeDataDirs();
});

describe('Prio3 reports in the pod', () => {
  it('creates a report (pod set-up granted the gateway Append on reports/) the resident can read, valid against its shape and without the value', async () => {
    expect(await writePrio3Report(writer, home.layout, request, january())).toEqual({ kind: 'written' });
    const url = home.layout.reportDocument(request.task.id, 'cold.below18.hours', '2026-01');
    expect(url).toBe(`${home.layout.root}reports/council-a-2026-01/cold.below18.hours/2026-01.ttl`);
    const response = await home.resident.agent.fetch(url, { headers: { accept: 'text/turtle' } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect((await validateAgainstShapes(text, { baseIRI: url })).results).toEqual([]);
    expect(text).toContain('https://helper.example/id#helper');
    // The worst room's 31 × 3.7 = 114.7 h, in the unit or on the fixed-point grid, is nowhere in the document.
    for (const form of ['114.7', '1147']) expect(text).not.toContain(form);
  });

  it('both aggregators read the report from the pod and together recover the home’s value', async () => {
    const url = home.layout.reportDocument(request.task.id, 'cold.below18.hours', '2026-01');
    const document = await readTurtle(home.resident.agent.fetch, url);
    const stored = readReport(document!.store, url);
    expect(stored.aggregatorIds).toEqual(request.task.aggregators.map((a) => a.id));
    const encoding = sumEncodingFor('cold.below18.hours', period);
    const { shares } = await aggregateBoth(aggregatorsOf(request.task.id), encoding, [stored.report]);
    expect(collectSum(encoding, shares, 1).sum).toBeCloseTo(114.7, 9);
    expect(Buffer.from(stored.report.reportId)).toHaveLength(16);
  });

  it('writes no report for a home below the coverage rule', async () => {
    const sparse = january().slice(0, 10);
    expect(await writePrio3Report(writer, home.layout, request, sparse)).toEqual({ kind: 'not-included' });
    const bands = { ...request, metricId: 'co2.night.band' };
    expect(await writePrio3Report(writer, home.layout, bands, januaryCo2().slice(0, 10))).toEqual({
      kind: 'not-included',
    });
  });

  it('writes a banded metric as a histogram report: both aggregators open it to one home in its band, never the mean', async () => {
    const bands = { ...request, metricId: 'co2.night.band' };
    expect(await writePrio3Report(writer, home.layout, bands, januaryCo2())).toEqual({ kind: 'written' });
    const url = home.layout.reportDocument(request.task.id, 'co2.night.band', '2026-01');
    const response = await home.resident.agent.fetch(url, { headers: { accept: 'text/turtle' } });
    const text = await response.text();
    expect((await validateAgainstShapes(text, { baseIRI: url })).results).toEqual([]);
    expect(text).toMatch(/hd:histogramLength 4/);
    expect(text).not.toContain('1250');
    const stored = readReport((await readTurtle(home.resident.agent.fetch, url))!.store, url);
    const encoding = histogramEncodingFor('co2.night.band', period);
    expect(stored.report.encoding).toEqual(encoding);
    const { shares } = await aggregateBoth(aggregatorsOf(request.task.id), encoding, [stored.report]);
    expect(collectHistogram(encoding, shares, 1)).toEqual({ count: 1, bands: [0, 0, 1, 0] });
  });

  it('writes one vector report for a request of several sum metrics (its hd:countsFor naming them), the banded metric apart', async () => {
    const aggregators = {
      leader: {
        id: request.task.aggregators[0].id,
        publicKey: Buffer.from(leader.publicKey).toString('base64'),
      },
      helper: {
        id: request.task.aggregators[1].id,
        publicKey: Buffer.from(helper.publicKey).toString('base64'),
      },
    };
    const asked = reportRequestsFor(
      {
        id: 'council-b-2026-01',
        metrics: ['cold.below18.hours', 'co2.night.band', 'temperature.mean'],
        period: { from: '2026-01-01', to: '2026-01-31' },
        granularity: 'month',
        aggregation: 'prio3',
      },
      { privateAggregation: aggregators },
      'Europe/London',
    );
    expect(asked.map((one) => one.metricId)).toEqual([
      'co2.night.band',
      'temperature.mean,cold.below18.hours',
    ]);
    const vectorRequest = asked[1]!;
    expect(await writePrio3Report(writer, home.layout, vectorRequest, january())).toEqual({
      kind: 'written',
    });
    const url = home.layout.vectorReportDocument('council-b-2026-01', '2026-01');
    expect(url).toBe(`${home.layout.root}reports/council-b-2026-01/vector/2026-01.ttl`);
    for (const metricId of ['temperature.mean', 'cold.below18.hours']) {
      const single = home.layout.reportDocument('council-b-2026-01', metricId, '2026-01');
      expect((await home.resident.agent.fetch(single)).status, metricId).toBe(404);
    }
    const text = await (await home.resident.agent.fetch(url, { headers: { accept: 'text/turtle' } })).text();
    expect((await validateAgainstShapes(text, { baseIRI: url })).results).toEqual([]);
    for (const form of ['114.7', '1147', '19.0', '190']) expect(text).not.toContain(form);
    const stored = readReportDocument((await readTurtle(home.resident.agent.fetch, url))!.store, url);
    const vector = sumVectorEncodingFor(['temperature.mean', 'cold.below18.hours'], period);
    expect(stored.report.encoding).toEqual(vector);
    expect(stored.report.countsFor).toEqual(['temperature.mean', 'cold.below18.hours']);
    const { shares } = await aggregateBoth(aggregatorsOf('council-b-2026-01'), vector, [
      stored.report as Prio3Report<SumVectorEncoding>,
    ]);
    const collected = collectSumVector(vector, shares);
    expect(collected.get('temperature.mean')).toMatchObject({ count: 1, sum: 19 });
    expect(collected.get('cold.below18.hours')!.sum).toBeCloseTo(114.7, 9);
    // Written once: the create-only PUT leaves the first vector alone.
    expect(await writePrio3Report(writer, home.layout, vectorRequest, january())).toEqual({ kind: 'exists' });
  });
});
