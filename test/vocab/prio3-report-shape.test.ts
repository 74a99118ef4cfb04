// Prio3 reports against hd:Prio3ReportShape, and the report document read back as written.
import { Buffer } from 'node:buffer';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { parsePeriod } from '../../src/metrics/index.ts';
import {
  createReport,
  generateAggregatorKeyPair,
  readReport,
  reportQuads,
  sumEncodingFor,
  type Prio3Task,
} from '../../src/private-aggregation/index.ts';
import { parseTurtle, serializeTurtle, validateAgainstShapes } from '../../src/vocab/index.ts';

const url = 'https://pod.example/alice/homedata/reports/t/temperature.mean/2026-01.ttl';
let task: Prio3Task;
let turtle: string;

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
});
