// The daily summaries format reads back what it writes, in any quad order, and leaves out what is incomplete.
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import type { DailySummary } from '../../../src/metrics/index.ts';
import {
  DailySummaryReader,
  parseDailySummaries,
  summaryQuads,
} from '../../../src/pod/formats/daily-summary.ts';
import { DocumentFormatError } from '../../../src/pod/formats/document-format-error.ts';
import { PodLayout } from '../../../src/pod/pod-layout.ts';
import { TERMS } from '../../../src/vocab/browser.ts';

const layout = new PodLayout('http://localhost:3000/alice/');
const ZONE = 'Europe/London';

const kitchen: DailySummary = {
  property: 'temperature',
  room: 'kitchen',
  date: '2026-01-05',
  hoursInDay: 24,
  validHours: 22,
  count: 1300,
  mean: 19.25,
  min: 16.5,
  max: 22,
  hoursStuck: 2,
};
const hall: DailySummary = { ...kitchen, room: 'hall', date: '2026-01-06', mean: 17 };

describe('daily summary format', () => {
  it('reads back every summary it writes, quads in any order', () => {
    const quads = [...summaryQuads(kitchen, layout, ZONE), ...summaryQuads(hall, layout, ZONE)].reverse();
    const reader = new DailySummaryReader();
    for (const quad of quads) reader.add(quad);
    const { summaries, skipped } = reader.summaries();
    expect(skipped).toBe(0);
    expect(summaries).toHaveLength(2);
    expect(summaries).toEqual(expect.arrayContaining([kitchen, hall]));
  });

  it('keeps only the dates asked for', () => {
    const quads = [...summaryQuads(kitchen, layout, ZONE), ...summaryQuads(hall, layout, ZONE)];
    expect(parseDailySummaries(quads, { from: '2026-01-06', to: '2026-01-31' }).summaries).toEqual([hall]);
  });

  it('counts a summary with a figure that is not a number, or one missing, as skipped', () => {
    const quads = summaryQuads(kitchen, layout, ZONE).map((quad) =>
      quad.predicate.equals(TERMS.hd.mean)
        ? DataFactory.quad(quad.subject, quad.predicate, DataFactory.literal('warm'))
        : quad,
    );
    const withoutMin = summaryQuads(hall, layout, ZONE).filter(
      (quad) => !quad.predicate.equals(TERMS.hd.min),
    );
    expect(parseDailySummaries([...quads, ...withoutMin])).toEqual({ summaries: [], skipped: 2 });
  });

  it('refuses to write a summary without a local date or a room, naming both', () => {
    const write = () => summaryQuads({ ...kitchen, date: '5/1/2026', room: '' }, layout, ZONE);
    expect(write).toThrow(DocumentFormatError);
    expect(write).toThrow(/not a local date YYYY-MM-DD; it names no room/);
  });
});
