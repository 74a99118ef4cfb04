// Prio3 reports against hd:Prio3ReportShape, and the report document read back as written.
import { Buffer } from 'node:buffer';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { parsePeriod } from '../../src/metrics/index.ts';
import {
  createHistogramReport,
  createReport,
  createVectorReport,
  generateAggregatorKeyPair,
  histogramEncodingFor,
  readReport,
  readReportDocument,
  reportQuads,
  sumEncodingFor,
  sumVectorEncodingFor,
  type Prio3Report,
  type Prio3Task,
  type SumVectorEncoding,
} from '../../src/private-aggregation/index.ts';
import { parseTurtle, serializeTurtle, validateAgainstShapes } from '../../src/vocab/index.ts';

const url = 'https://pod.example/alice/homedata/reports/t/temperature.mean/2026-01.ttl';
const bandsUrl = 'https://pod.example/alice/homedata/reports/t/co2.night.band/2026-01.ttl';
let task: Prio3Task;
let turtle: string;
let bandsReport: Prio3Report;
let bandsTurtle: string;
const vectorUrl = 'https://pod.example/alice/homedata/reports/t/vector/2026-01.ttl';
let vectorReport: Prio3Report<SumVectorEncoding>;
let vectorTurtle: string;

beforeAll(async () => {
  const [leader, helper] = await Promise.all([generateAggregatorKeyPair(), generateAggregatorKeyPair()]);
  task = {
    id: 't',
    aggregators: [
      { id: 'https://broker.example/id#broker', publicKey: leader.publicKey },
      { id: 'https://helper.example/id#helper', publicKey: helper.publicKey },
    ],
  };
  const report = await createReport(task, sumEncodingFor('temperature.mean', parsePeriod('2026-01')), 19.4);
  turtle = serializeTurtle(reportQuads(report, task, url), { baseIRI: url });
  bandsReport = await createHistogramReport(
    task,
    histogramEncodingFor('co2.night.band', parsePeriod('2026-01')),
    1200,
  );
  bandsTurtle = serializeTurtle(reportQuads(bandsReport, task, bandsUrl), { baseIRI: bandsUrl });
  vectorReport = await createVectorReport(
    task,
    sumVectorEncodingFor(['temperature.mean', 'cold.below18.hours'], parsePeriod('2026-01')),
    new Map([
      ['temperature.mean', { included: true, value: 19.4 }],
      ['cold.below18.hours', { included: false, value: null }],
    ]),
  );
  vectorTurtle = serializeTurtle(reportQuads(vectorReport, task, vectorUrl), { baseIRI: vectorUrl });
});

describe('Prio3 report document', () => {
  it('is valid against its shape and reads back to the same report', async () => {
    expect((await validateAgainstShapes(turtle, { baseIRI: url })).results).toEqual([]);
    const stored = readReport(parseTurtle(turtle, { baseIRI: url }), url);
    expect(stored.report.encoding).toMatchObject({
      metricId: 'temperature.mean',
      period: '2026-01',
      bits: 9,
    });
    expect(Buffer.from(stored.report.reportId)).toHaveLength(16);
  });

  it('rejects a report with one sealed share', async () => {
    const store = parseTurtle(turtle, { baseIRI: url });
    store.removeQuads(
      store.getQuads(`${url}#report`, 'https://homedata.dev/ns#inputShare', `${url}#share-1`, null),
    );
    const paths = (await validateAgainstShapes(store)).results.map((r) => r.path);
    expect(paths).toEqual(['hd:inputShare']);
    expect(() => readReport(store, url)).toThrow(ValidationError);
  });

  it('refuses a report claiming a wider bit width than its metric and period allow', () => {
    const wider = turtle.replace(/hd:bitWidth 9/, 'hd:bitWidth 20');
    expect(wider).not.toBe(turtle);
    expect(() => readReport(parseTurtle(wider, { baseIRI: url }), url)).toThrow(ValidationError);
  });

  it('writes a histogram report with its length and chunk length, valid against its shape, and reads it back the same', async () => {
    expect(bandsTurtle).toMatch(/hd:histogramLength 4/);
    expect(bandsTurtle).toMatch(/hd:chunkLength 2/);
    expect(bandsTurtle).not.toMatch(/hd:bitWidth/);
    expect((await validateAgainstShapes(bandsTurtle, { baseIRI: bandsUrl })).results).toEqual([]);
    const stored = readReport(parseTurtle(bandsTurtle, { baseIRI: bandsUrl }), bandsUrl);
    expect(stored.report.encoding).toEqual(bandsReport.encoding);
    expect(Buffer.from(stored.report.reportId)).toEqual(Buffer.from(bandsReport.reportId));
    expect(serializeTurtle(reportQuads(stored.report, task, bandsUrl), { baseIRI: bandsUrl })).toBe(
      bandsTurtle,
    );
    expect(stored.aggregatorIds).toEqual(task.aggregators.map((aggregator) => aggregator.id));
  });

  it.each([
    [
      'another histogram length',
      (text: string) => text.replace(/hd:histogramLength 4/, 'hd:histogramLength 5'),
    ],
    ['another chunk length', (text: string) => text.replace(/hd:chunkLength 2/, 'hd:chunkLength 1')],
    ['no chunk length', (text: string) => text.replace(/hd:chunkLength 2 *;/, '')],
  ])('refuses a histogram report whose parameters differ from its metric’s bands: %s', (_, tamper) => {
    const tampered = tamper(bandsTurtle);
    expect(tampered).not.toBe(bandsTurtle);
    expect(() => readReport(parseTurtle(tampered, { baseIRI: bandsUrl }), bandsUrl)).toThrow(
      /VDAF parameters do not match/,
    );
  });

  it('refuses a report stating both kinds’ parameters, or a sum’s for a banded metric', async () => {
    const both = bandsTurtle.replace(/hd:chunkLength 2/, 'hd:chunkLength 2; hd:bitWidth 12');
    expect(both).not.toBe(bandsTurtle);
    const paths = (await validateAgainstShapes(both, { baseIRI: bandsUrl })).results.map((r) => r.path);
    expect(paths).toEqual(['hd:bitWidth']);
    expect(() => readReport(parseTurtle(both, { baseIRI: bandsUrl }), bandsUrl)).toThrow(ValidationError);
    // A sum report relabelled to the banded metric: its bit width is not what the catalogue asks of that metric.
    const relabelled = turtle.replaceAll('temperature.mean', 'co2.night.band');
    expect(() => readReport(parseTurtle(relabelled, { baseIRI: url }), url)).toThrow(
      /VDAF parameters do not match/,
    );
  });

  it('writes a vector report with its metrics, length, chunk length and bit width 1, valid against its shape, and reads it back the same', async () => {
    const { length, chunkLength } = vectorReport.encoding;
    expect(vectorTurtle).toMatch(new RegExp(`hd:vectorLength ${length}\\b`));
    expect(vectorTurtle).toMatch(new RegExp(`hd:chunkLength ${chunkLength}\\b`));
    expect(vectorTurtle).toMatch(/hd:bitWidth 1\b/);
    expect((await validateAgainstShapes(vectorTurtle, { baseIRI: vectorUrl })).results).toEqual([]);
    const stored = readReportDocument(parseTurtle(vectorTurtle, { baseIRI: vectorUrl }), vectorUrl);
    expect(stored.report.encoding).toEqual(vectorReport.encoding);
    expect(serializeTurtle(reportQuads(stored.report, task, vectorUrl), { baseIRI: vectorUrl })).toBe(
      vectorTurtle,
    );
    // The home counts for the mean temperature only: said openly, and read back.
    expect(vectorReport.countsFor).toEqual(['temperature.mean']);
    expect(stored.report.countsFor).toEqual(['temperature.mean']);
    expect(vectorTurtle).toMatch(/hd:countsFor metric:temperature\.mean\b/);
    // Where one metric's report is read (a per-metric document), a vector is not one.
    expect(() => readReport(parseTurtle(vectorTurtle, { baseIRI: vectorUrl }), vectorUrl)).toThrow(
      /vector report/,
    );
  });

  it.each([
    [
      'another vector length',
      (text: string) => text.replace(/hd:vectorLength (\d+)/, (_, n) => `hd:vectorLength ${Number(n) + 1}`),
      /VDAF parameters do not match/,
    ],
    [
      'another chunk length',
      (text: string) => text.replace(/hd:chunkLength (\d+)/, (_, n) => `hd:chunkLength ${Number(n) + 1}`),
      /VDAF parameters do not match/,
    ],
    [
      'a shared bit width of 16',
      (text: string) => text.replace(/hd:bitWidth 1\b/, 'hd:bitWidth 16'),
      /VDAF parameters do not match/,
    ],
    [
      'a third metric it was not built for',
      (text: string) => text.replace(/hd:metric /, 'hd:metric metric:damp.rh70.hours, '),
      /VDAF parameters do not match/,
    ],
    [
      'a banded metric among them',
      (text: string) => text.replace(/hd:metric /, 'hd:metric metric:co2.night.band, '),
      /histogram/,
    ],
    [
      'counting for a metric it is not a vector of',
      (text: string) => text.replace(/hd:countsFor /, 'hd:countsFor metric:damp.rh70.hours, '),
      /counts for a metric it is not a vector of/,
    ],
  ])(
    'refuses a vector report whose parameters or metrics differ from the catalogue’s: %s',
    (_, tamper, why) => {
      const tampered = tamper(vectorTurtle);
      expect(tampered).not.toBe(vectorTurtle);
      expect(() => readReportDocument(parseTurtle(tampered, { baseIRI: vectorUrl }), vectorUrl)).toThrow(why);
    },
  );

  it('refuses by its shape a vector’s parameters on a report of one metric', async () => {
    const one = turtle.replace(/hd:bitWidth 9/, 'hd:bitWidth 9; hd:vectorLength 20; hd:chunkLength 4');
    expect(one).not.toBe(turtle);
    const paths = (await validateAgainstShapes(one, { baseIRI: url })).results.map((r) => r.path);
    expect(paths).toEqual(['hd:bitWidth']);
    expect(() => readReport(parseTurtle(one, { baseIRI: url }), url)).toThrow(/VDAF parameters do not match/);
  });
});
