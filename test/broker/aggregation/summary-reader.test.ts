// The summary reader turns what the gateway writes back into the same DailySummary records, streaming.
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { readSummaryStream } from '../../../src/broker/aggregation/summary-reader.ts';
import { parseTurtleStream } from '../../../src/broker/aggregation/turtle-stream.ts';
import { readFixtureReadings } from '../../../src/fixtures/write-fixtures.ts';
import { summariesByDocument, summaryQuads } from '../../../src/pod/formats/daily-summary.ts';
import { summariseReadings, type DailySummary } from '../../../src/metrics/index.ts';
import { PodLayout } from '../../../src/pod/pod-layout.ts';
import { serializeTurtle, TERMS } from '../../../src/vocab/index.ts';
import { POD, SUMMARY, SUMMARY_BASE } from '../../vocab/documents.ts';

const TIME_ZONE = 'Europe/London';
const layout = new PodLayout(POD);

/** A fetch-like body of a text. */
function body(text: string) {
  return new Response(text).body!;
}

/** January summaries of the first fixture home, grouped into the monthly documents the gateway writes. */
async function summariseFixtureHome(): Promise<Map<string, DailySummary[]>> {
  const readings = await readFixtureReadings('pods-fixtures', 'home-01');
  return summariesByDocument(
    layout,
    summariseReadings(readings, TIME_ZONE, { now: new Date('2026-02-02T00:00:00Z') }),
  );
}

const fixture = summariseFixtureHome();

/** The fixture home's documents, summarised once for the whole file. */
function fixtureDocuments(): Promise<Map<string, DailySummary[]>> {
  return fixture;
}

/** The summary without its undefined fields (as the reader returns it). */
function withoutUndefined(summary: DailySummary): DailySummary {
  return Object.fromEntries(
    Object.entries(summary).filter(([, value]) => value !== undefined),
  ) as DailySummary;
}

/** A stable order for comparing lists of summaries. */
function sorted(summaries: readonly DailySummary[]): DailySummary[] {
  const key = (summary: DailySummary) => `${summary.property}|${summary.room}|${summary.date}`;
  return [...summaries].sort((a, b) => key(a).localeCompare(key(b)));
}

describe('summary document reader', () => {
  it('reads back exactly what the gateway writer wrote, for every property of a fixture home', async () => {
    const documents = await fixtureDocuments();
    expect(documents.size).toBe(5);
    for (const [url, summaries] of documents) {
      const turtle = serializeTurtle(
        summaries.flatMap((summary) => summaryQuads(summary, layout, TIME_ZONE)),
        { baseIRI: url },
      );
      const read = await readSummaryStream(body(turtle), url);
      expect(read.skipped).toBe(0);
      expect(sorted(read.summaries)).toEqual(sorted(summaries));
    }
  });

  it('reads back the hours flagged per reason (DQV measurements), and leaves out an unknown metric', async () => {
    const flagged: DailySummary = {
      property: 'pm25',
      room: 'bedroom-1',
      date: '2026-01-15',
      hoursInDay: 24,
      validHours: 20,
      count: 144,
      mean: 12.5,
      min: 0,
      max: 730,
      hoursStuck: 4,
      hoursAboveSensorRange: 1,
    };
    const url = layout.summaryDocument('pm25', '2026-01');
    const quads = summaryQuads(flagged, layout, TIME_ZONE);
    const read = await readSummaryStream(body(serializeTurtle(quads, { baseIRI: url })), url);
    expect(read.summaries).toEqual([flagged]);

    const unknownMetric = quads.map((quad) =>
      quad.predicate.equals(TERMS.dqv.isMeasurementOf) && quad.object.equals(TERMS.hd.hoursStuck)
        ? DataFactory.quad(quad.subject, quad.predicate, DataFactory.namedNode('https://example.org/other'))
        : quad,
    );
    const partial = await readSummaryStream(body(serializeTurtle(unknownMetric, { baseIRI: url })), url);
    expect(partial.summaries).toEqual([{ ...flagged, hoursStuck: undefined }].map(withoutUndefined));
  });

  it('reads the hand-written shape example, with hd:room as a room IRI', async () => {
    const read = await readSummaryStream(body(SUMMARY), SUMMARY_BASE);
    expect(read.summaries).toEqual([
      {
        property: 'temperature',
        room: 'living-room',
        date: '2024-03-31',
        hoursInDay: 23,
        validHours: 23,
        count: 276,
        mean: 18.4,
        min: 15.9,
        max: 21.2,
        hoursBelow18: 9,
        hoursBelow16: 1,
        daytimeHours: 15,
        daytimeMean: 19.1,
        nightHours: 8,
        nightHoursAbove26: 0,
      },
    ]);
  });

  it('keeps only the dates asked for', async () => {
    const url = layout.summaryDocument('humidity', '2026-01');
    const summaries = (await fixtureDocuments()).get(url)!;
    const turtle = serializeTurtle(summaries.flatMap((summary) => summaryQuads(summary, layout, TIME_ZONE)));
    const read = await readSummaryStream(body(turtle), url, { from: '2026-01-10', to: '2026-01-11' });
    expect(new Set(read.summaries.map((summary) => summary.date))).toEqual(
      new Set(['2026-01-10', '2026-01-11']),
    );
  });

  it('skips a summary that lacks a required figure or has one that is not a number', async () => {
    const [summary] = (await fixtureDocuments()).get(layout.summaryDocument('temperature', '2026-01'))!;
    const quads = summaryQuads(summary!, layout, TIME_ZONE);
    const withoutMean = quads.filter((quad) => !quad.predicate.equals(TERMS.hd.mean));
    const badMean = quads.map((quad) =>
      quad.predicate.equals(TERMS.hd.mean)
        ? DataFactory.quad(quad.subject, quad.predicate, DataFactory.literal('warm', TERMS.xsd.double))
        : quad,
    );
    for (const broken of [withoutMean, badMean]) {
      const read = await readSummaryStream(body(serializeTurtle(broken)), SUMMARY_BASE);
      expect(read).toEqual({ summaries: [], skipped: 1 });
    }
  });

  it('reads a character whose UTF-8 bytes are split between two chunks', async () => {
    const bytes = new TextEncoder().encode('<#kitchen-2026-01-05> <https://homedata.dev/ns#localDate> "é".');
    const split = bytes.indexOf(0xc3) + 1;
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, split));
        controller.enqueue(bytes.slice(split));
        controller.close();
      },
    });
    const values: string[] = [];
    await parseTurtleStream(chunked, SUMMARY_BASE, (quad) => values.push(quad.object.value));
    expect(values).toEqual(['é']);
  });

  it('rejects a document that is not Turtle with an error that names no URL', async () => {
    const error = await readSummaryStream(body('<#a> <#b> "unterminated .'), SUMMARY_BASE).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).not.toContain(POD);
  });
});

describe('summary reader limits', () => {
  const manySubjects = (count: number) =>
    Array.from({ length: count }, (_, i) => `<#s${i}> <https://homedata.dev/ns#mean> "1".`).join('\n');

  it('abandons a document with more distinct subjects than the cap', async () => {
    await expect(
      readSummaryStream(body(manySubjects(50)), SUMMARY_BASE, undefined, { maxQuads: 1000, maxSubjects: 20 }),
    ).rejects.toThrow('more triples than the broker reads');
  });

  it('abandons a document with more triples than the cap', async () => {
    const oneSubject = Array.from({ length: 50 }, (_, i) => `<#s> <https://homedata.dev/ns#p${i}> "1".`).join(
      '\n',
    );
    await expect(
      readSummaryStream(body(oneSubject), SUMMARY_BASE, undefined, { maxQuads: 20, maxSubjects: 20 }),
    ).rejects.toThrow('more triples than the broker reads');
  });

  it('stops reading a body that passes the cap: it is cancelled, not read to its end', async () => {
    let pulls = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new TextEncoder().encode(`<#s${pulls}> <https://homedata.dev/ns#mean> "1".\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    await expect(
      readSummaryStream(endless, SUMMARY_BASE, undefined, { maxQuads: 1000, maxSubjects: 20 }),
    ).rejects.toThrow('more triples than the broker reads');
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(30);
  });

  it('reads a document within the caps', async () => {
    await expect(
      readSummaryStream(body(manySubjects(20)), SUMMARY_BASE, undefined, { maxQuads: 20, maxSubjects: 20 }),
    ).resolves.toEqual({ summaries: [], skipped: 0 });
  });
});
