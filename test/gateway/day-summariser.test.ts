// Unit tests: the day summariser follows a stuck sensor from one day's round to the next through the outbox state,
// and keeps the summaries it wrote.
import type { Quad } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaySummariser, STUCK_RUNS_STATE } from '../../src/gateway/day-summariser.ts';
import { OutboxReader } from '../../src/gateway/outbox-reader.ts';
import { openOutboxDatabase, type OutboxDatabase } from '../../src/gateway/outbox-store.ts';
import { OutboxWriter } from '../../src/gateway/outbox-writer.ts';
import type { PodWriter, WriteOutcome } from '../../src/gateway/pod-writer.ts';
import { Quarantine } from '../../src/gateway/quarantine.ts';
import { createLogger } from '../../src/logging.ts';
import type { Reading } from '../../src/metrics/types.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import { TERMS } from '../../src/vocab/index.ts';
import { freshDataDir, removeDataDirs } from './gateway-home.ts';

const DAY_MS = 86_400_000;
const MONDAY = Date.UTC(2026, 0, 12);

let db: OutboxDatabase;
let reader: OutboxReader;
let writer: OutboxWriter;
const written: Quad[] = [];

/** A pod writer that keeps what it is given: this test is about the outbox and the summaries, not HTTP. */
const pod = {
  insert: (_url: string, quads: Quad[]): Promise<WriteOutcome> => {
    written.push(...quads);
    return Promise.resolve({ kind: 'written' });
  },
} as unknown as PodWriter;

beforeAll(async () => {
  const dir = await freshDataDir();
  db = await openOutboxDatabase(dir);
  reader = new OutboxReader(db);
  writer = new OutboxWriter(db, 'Europe/London');
}, 60_000);

afterAll(async () => {
  await db.close();
  await removeDataDirs();
});

/** A day of PM2.5 readings of exactly 0 every 10 minutes, from a dead sensor. */
function deadDay(day: number): Reading[] {
  return Array.from({ length: 144 }, (_, i) => ({
    sensor: 'bedroom-pm',
    room: 'bedroom-1',
    property: 'pm25' as const,
    time: new Date(MONDAY + day * DAY_MS + i * 600_000),
    value: 0,
  }));
}

/** The hoursStuck the written summaries carry, by summary IRI fragment. */
function stuckHours(): Record<string, string> {
  const measurementOf = new Map(
    written
      .filter((quad) => quad.predicate.equals(TERMS.dqv.computedOn))
      .map((quad) => [quad.subject.value, quad.object.value.split('#')[1]!]),
  );
  return Object.fromEntries(
    written
      .filter((quad) => quad.predicate.equals(TERMS.dqv.value))
      .map((quad) => [measurementOf.get(quad.subject.value)!, quad.object.value]),
  );
}

describe('day summariser', () => {
  it('finds a dead sensor across days: the first day counts, the next ones are stuck', async () => {
    const dir = await freshDataDir();
    const summariser = new DaySummariser({
      reader,
      writer,
      pod,
      layout: new PodLayout('https://alice.pods.example/'),
      quarantine: new Quarantine(`${dir}/quarantine.jsonl`),
      logger: createLogger('test', 'silent'),
      timeZone: 'Europe/London',
      graceMs: 0,
    });
    for (const day of [0, 1, 2]) {
      await writer.accept(deadDay(day));
      await writer.markDelivered((await reader.pending(1000)).map((reading) => reading.key));
      // One round per day, as a gateway running live summarises each day after midnight.
      expect(await summariser.summarise(new Date(MONDAY + (day + 1) * DAY_MS))).toMatchObject({
        summaries: 1,
      });
    }
    expect(stuckHours()).toEqual({ 'bedroom-1-2026-01-13': '24', 'bedroom-1-2026-01-14': '24' });
    const validHours = written
      .filter((quad) => quad.predicate.equals(TERMS.hd.validHours))
      .map((quad) => quad.object.value);
    expect(validHours).toEqual(['24', '0', '0']);
    expect(await reader.state(STUCK_RUNS_STATE)).toEqual([
      expect.objectContaining({ sensor: 'bedroom-pm', property: 'pm25', start: MONDAY, low: 0, high: 0 }),
    ]);
  });

  it('keeps each summary it wrote, for the home’s Prio3 reports, and forgets those past the retention', async () => {
    const kept = await reader.keptSummaries('2026-01-12', '2026-01-14');
    expect(
      kept.map(({ date, property, room, validHours }) => ({ date, property, room, validHours })),
    ).toEqual([
      { date: '2026-01-12', property: 'pm25', room: 'bedroom-1', validHours: 24 },
      { date: '2026-01-13', property: 'pm25', room: 'bedroom-1', validHours: 0 },
      { date: '2026-01-14', property: 'pm25', room: 'bedroom-1', validHours: 0 },
    ]);
    expect(await reader.keptSummaries('2026-01-13', '2026-01-13')).toHaveLength(1);
    expect(await writer.pruneKeptSummaries('2026-01-13')).toBe(1);
    expect(await reader.keptSummaries('2026-01-01', '2026-01-31')).toHaveLength(2);
  });
});
