// Unit tests: readings and daily summaries as RDF, checked against vocab/shapes.ttl; IRIs fixed by the data.
import { describe, expect, it } from 'vitest';
import { DataFactory, type Quad } from 'n3';
import { observationQuads, readingKey, readingsDocumentPrefixes } from '../../src/gateway/observation-rdf.ts';
import { localTimestamp, summaryDocumentOf, summaryQuads } from '../../src/pod/formats/daily-summary.ts';
import { summariseReadings } from '../../src/metrics/index.ts';
import type { Reading } from '../../src/metrics/types.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import { TERMS, parseTurtle, serializeTurtle, validateAgainstShapes } from '../../src/vocab/index.ts';

const layout = new PodLayout('https://alice.pods.example/');
const reading: Reading = {
  sensor: 'living-th1',
  room: 'living-room',
  property: 'temperature',
  time: new Date('2026-01-15T09:41:07.250Z'),
  value: 19.25,
};

/** Whether any quad holds a blank node (CSS refuses them in N3 Patch). */
function hasBlankNode(quads: Quad[]): boolean {
  return quads.some((quad) => quad.subject.termType === 'BlankNode' || quad.object.termType === 'BlankNode');
}

describe('observation RDF', () => {
  it('conforms to the reading shapes', async () => {
    const report = await validateAgainstShapes(observationQuads(reading, layout));
    expect(report.results).toEqual([]);
    expect(report.conforms).toBe(true);
  });

  it('conforms for every property in its canonical unit', async () => {
    const quads = (['temperature', 'humidity', 'co2', 'pm25', 'energy'] as const).flatMap((property, index) =>
      observationQuads({ ...reading, property, value: index * 10.5 }, layout),
    );
    expect((await validateAgainstShapes(quads)).results).toEqual([]);
  });

  it('writes a readings document with prefixes that give a reader of the hour exactly the full-IRI triples', () => {
    const quads = [
      ...observationQuads(reading, layout),
      ...observationQuads({ ...reading, sensor: 'living-co2', property: 'co2', value: 812 }, layout),
    ];
    const hour = layout.readingsHour(reading.time);
    const turtle = serializeTurtle(quads, { prefixes: readingsDocumentPrefixes(layout, hour) });
    expect(turtle).toContain(`hour:obs-${readingKey(reading)} a sosa:Observation`);
    expect(turtle).toContain('gateway:sensor-living-th1');
    expect(turtle).toContain('home:room-living-room');
    const read = parseTurtle(turtle, { baseIRI: `${hour}elsewhere.ttl` });
    expect(read.size).toBe(quads.length);
    expect(quads.every((quad) => read.has(quad))).toBe(true);
  });

  it('names observation and result by the UTC hour and the reading hash, whatever document holds them, with no blank nodes', () => {
    const quads = observationQuads(reading, layout);
    const key = readingKey(reading);
    expect(key).toMatch(/^[0-9a-f]{24}$/);
    const hour = 'https://alice.pods.example/homedata/readings/2026/01/15/09/';
    expect(quads[0]!.subject.value).toBe(`${hour}#obs-${key}`);
    expect(quads.find((quad) => quad.predicate.equals(TERMS.sosa.hasResult))!.object.value).toBe(
      `${hour}#result-${key}`,
    );
    expect(hasBlankNode(quads)).toBe(false);
    const time = quads.find((quad) => quad.predicate.equals(TERMS.sosa.resultTime))!.object;
    expect(time.value).toBe('2026-01-15T09:41:07.250Z');
  });

  it('gives the same IRIs for the same sensor, property and time, whatever the value', () => {
    expect(readingKey({ ...reading, value: 30 } as Reading)).toBe(readingKey(reading));
    expect(readingKey({ ...reading, sensor: 'living-th2' })).not.toBe(readingKey(reading));
    expect(readingKey({ ...reading, property: 'humidity' })).not.toBe(readingKey(reading));
    expect(readingKey({ ...reading, time: new Date(reading.time.getTime() + 1) })).not.toBe(
      readingKey(reading),
    );
  });

  it('writes the quality flags of a kept reading, and the shapes accept them', async () => {
    const flagged: Reading = { ...reading, property: 'humidity', value: 100, flags: ['rh-capped'] };
    const quads = observationQuads(flagged, layout);
    expect(
      quads.filter((quad) => quad.predicate.equals(TERMS.hd.qualityFlag)).map((quad) => quad.object.value),
    ).toEqual([TERMS.hd.RhCapped.value]);
    expect((await validateAgainstShapes(quads)).results).toEqual([]);
    expect(
      observationQuads(reading, layout).some((quad) => quad.predicate.equals(TERMS.hd.qualityFlag)),
    ).toBe(false);
  });

  it('fails the shapes for a flag a reading cannot carry', async () => {
    const quads = observationQuads({ ...reading, flags: ['stuck'] }, layout);
    const report = await validateAgainstShapes(quads);
    expect(report.results.map((result) => result.path)).toEqual(['hd:qualityFlag']);
  });

  it('fails the shapes when the unit is not the property’s canonical unit (the test can fail)', async () => {
    const quads = observationQuads(reading, layout).map((quad) =>
      quad.predicate.equals(TERMS.qudt.unit)
        ? DataFactory.quad(quad.subject, quad.predicate, TERMS.unit.PERCENT)
        : quad,
    );
    const report = await validateAgainstShapes(quads);
    expect(report.conforms).toBe(false);
    expect(report.results.map((result) => result.path)).toContain('qudt:unit');
  });
});

describe('daily summary RDF', () => {
  /** Hourly readings of one local day for a temperature and a humidity sensor in one room. */
  function dayOfReadings(date: string): Reading[] {
    const start = new Date(`${date}T00:00:00Z`).getTime();
    const readings: Reading[] = [];
    for (let hour = 0; hour < 24; hour++) {
      const time = new Date(start + hour * 3_600_000);
      readings.push({
        sensor: 'bath-th',
        room: 'bathroom',
        property: 'temperature',
        time,
        value: 17 + (hour % 5),
      });
      readings.push({ sensor: 'bath-th', room: 'bathroom', property: 'humidity', time, value: 60 + hour });
    }
    return readings;
  }

  it('conforms to the summary shapes, for a winter and a summer-time day', async () => {
    for (const date of ['2026-01-15', '2026-07-15']) {
      const summaries = summariseReadings(dayOfReadings(date), 'Europe/London', {
        now: new Date('2026-12-01T00:00:00Z'),
      });
      expect(summaries.length).toBeGreaterThanOrEqual(2);
      const quads = summaries.flatMap((summary) => summaryQuads(summary, layout, 'Europe/London'));
      expect(hasBlankNode(quads)).toBe(false);
      expect((await validateAgainstShapes(quads)).results).toEqual([]);
    }
  });

  it('writes each day into its property’s monthly document, under IRIs fixed by room and date', () => {
    const [summary] = summariseReadings(dayOfReadings('2026-01-15'), 'Europe/London', {
      now: new Date('2026-12-01T00:00:00Z'),
    });
    expect(summaryDocumentOf(layout, summary!)).toBe(
      `https://alice.pods.example/homedata/summaries/${summary!.property}/2026-01.ttl`,
    );
    const first = summaryQuads(summary!, layout, 'Europe/London');
    const again = summaryQuads({ ...summary! }, layout, 'Europe/London');
    expect(again.map(String)).toEqual(first.map(String));
    expect(first[0]!.subject.value).toMatch(/#bathroom-2026-01-15$/);
  });

  it('writes hours flagged as DQV quality measurements the shapes accept, none for a clean day', async () => {
    const day = {
      property: 'pm25' as const,
      room: 'bedroom-1',
      date: '2026-01-15',
      hoursInDay: 24,
      validHours: 0,
      count: 144,
      mean: 0,
      min: 0,
      max: 0,
      hoursStuck: 24,
    };
    const quads = summaryQuads(day, layout, 'Europe/London');
    expect((await validateAgainstShapes(quads)).results).toEqual([]);
    const measurement = quads.find((quad) => quad.predicate.equals(TERMS.dqv.hasQualityMeasurement))!.object;
    const about = (predicate: (typeof TERMS.dqv)[keyof typeof TERMS.dqv]) =>
      quads.find((quad) => quad.subject.equals(measurement) && quad.predicate.equals(predicate))!.object
        .value;
    expect(about(TERMS.dqv.isMeasurementOf)).toBe(TERMS.hd.hoursStuck.value);
    expect(about(TERMS.dqv.value)).toBe('24');
    const clean = summaryQuads({ ...day, validHours: 24, hoursStuck: undefined }, layout, 'Europe/London');
    expect(clean.some((quad) => quad.predicate.equals(TERMS.dqv.hasQualityMeasurement))).toBe(false);
    const tooMany = quads.map((quad) =>
      quad.predicate.equals(TERMS.dqv.value)
        ? DataFactory.quad(quad.subject, quad.predicate, DataFactory.literal('30', TERMS.xsd.integer))
        : quad,
    );
    expect((await validateAgainstShapes(tooMany)).results.map((result) => result.path)).toEqual([
      'dqv:value',
    ]);
  });

  it('writes instants with the zone offset of the day', () => {
    expect(localTimestamp(new Date('2026-01-15T00:00:00Z'), 'Europe/London')).toBe('2026-01-15T00:00:00Z');
    expect(localTimestamp(new Date('2026-07-14T23:00:00Z'), 'Europe/London')).toBe(
      '2026-07-15T00:00:00+01:00',
    );
    expect(localTimestamp(new Date('2026-07-15T04:00:00Z'), 'America/New_York')).toBe(
      '2026-07-15T00:00:00-04:00',
    );
  });
});
