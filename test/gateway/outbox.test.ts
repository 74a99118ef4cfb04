// Unit tests: the SQLite outbox — commits, duplicates, delivery, summarised days and pruning.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OutboxReader } from '../../src/gateway/outbox-reader.ts';
import {
  OUTBOX_PAGE_CACHE,
  openOutboxDatabase,
  type OutboxDatabase,
} from '../../src/gateway/outbox-store.ts';
import { OutboxWriter } from '../../src/gateway/outbox-writer.ts';
import type { Reading } from '../../src/metrics/types.ts';
import { freshDataDir, removeDataDirs } from './gateway-home.ts';

let dir: string;
let db: OutboxDatabase;
let reader: OutboxReader;
let writer: OutboxWriter;

/** A temperature reading of the living room at `iso`. */
function at(iso: string, value = 20, sensor = 'living-th1'): Reading {
  return { sensor, room: 'living-room', property: 'temperature', time: new Date(iso), value };
}

beforeAll(async () => {
  dir = await freshDataDir();
  db = await openOutboxDatabase(dir);
  reader = new OutboxReader(db);
  writer = new OutboxWriter(db, 'Europe/London');
}, 60_000);

afterAll(async () => {
  await db.close();
  await removeDataDirs();
});

describe('outbox', () => {
  it('commits readings and counts a repeat (same sensor, property, time) as a duplicate, first value winning', async () => {
    expect(await writer.accept([at('2026-01-10T10:00:00Z'), at('2026-01-10T10:05:00Z')])).toEqual({
      accepted: 2,
      duplicates: 0,
    });
    expect(await writer.accept([at('2026-01-10T10:00:00Z', 99), at('2026-01-10T10:10:00Z')])).toEqual({
      accepted: 1,
      duplicates: 1,
    });
    const pending = await reader.pending(10);
    expect(pending.map((reading) => reading.value)).toEqual([20, 20, 20]);
    expect(await reader.pendingCount()).toBe(3);
  });

  it('keeps delivered readings for their daily summary, then prunes them but remembers their keys', async () => {
    const keys = (await reader.pending(10)).map((reading) => reading.key);
    await writer.markDelivered(keys);
    expect(await reader.counts()).toMatchObject({ pending: 0, awaitingSummary: 3 });
    expect(await reader.datesToSummarise()).toEqual([{ date: '2026-01-10', pending: 0 }]);
    expect((await reader.readingsOfDates(['2026-01-10'])).length).toBe(3);

    await writer.recordSummarised(
      [{ property: 'temperature', room: 'living-room', date: '2026-01-10', readings: 3 }],
      'written',
    );
    expect(await reader.counts()).toMatchObject({
      pending: 0,
      awaitingSummary: 0,
      summarisedDays: 1,
      deliveredKeys: 3,
    });
    expect(await writer.accept([at('2026-01-10T10:05:00Z')])).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('writes a late reading of a summarised day to the pod but keeps it out of summaries', async () => {
    expect(await writer.accept([at('2026-01-10T23:30:00Z', 18, 'living-th2')])).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    expect(await reader.datesToSummarise()).toEqual([]);
    const [late] = await reader.pending(10);
    await writer.markDelivered([late!.key]);
    expect(await reader.counts()).toMatchObject({ pending: 0, awaitingSummary: 0, deliveredKeys: 4 });
  });

  it('counts local dates in the home’s zone', async () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    await writer.accept([at('2026-06-30T23:30:00Z')]);
    expect(await reader.datesToSummarise()).toEqual([{ date: '2026-07-01', pending: 1 }]);
  });

  it('drops refused readings and forgets old keys', async () => {
    const keys = (await reader.pending(10)).map((reading) => reading.key);
    await writer.discard(keys);
    expect(await reader.pendingCount()).toBe(0);
    expect(await writer.pruneDeliveredKeys(new Date('2026-01-10T10:06:00Z'))).toBe(2);
    expect(await writer.accept([at('2026-01-10T10:00:00Z')])).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('keeps the quality flags of a reading until it is written', async () => {
    const flagged: Reading = {
      sensor: 'kitchen-pm',
      room: 'kitchen',
      property: 'pm25',
      time: new Date('2026-01-12T18:00:00Z'),
      value: 2_792,
      flags: ['above-sensor-range'],
    };
    await writer.accept([
      flagged,
      { ...flagged, time: new Date('2026-01-12T18:01:00Z'), value: 40, flags: [] },
    ]);
    const kept = (await reader.pending(100)).filter((reading) => reading.sensor === 'kitchen-pm');
    expect(kept.map(({ value, flags }) => ({ value, flags }))).toEqual([
      { value: 2_792, flags: ['above-sensor-range'] },
      { value: 40, flags: undefined },
    ]);
    await writer.discard(kept.map((reading) => reading.key));
  });

  it('group-commits accepts offered in the same turn: one transaction, each counted on its own', async () => {
    const transaction = vi.spyOn(db, 'transaction');
    try {
      const results = await Promise.all([
        writer.accept([at('2026-01-20T10:00:00Z'), at('2026-01-20T10:01:00Z')]),
        writer.accept([at('2026-01-20T10:01:00Z', 99), at('2026-01-20T10:02:00Z')]),
        writer.accept([at('2026-01-20T10:03:00Z')]),
      ]);
      expect(results).toEqual([
        { accepted: 2, duplicates: 0 },
        { accepted: 1, duplicates: 1 },
        { accepted: 1, duplicates: 0 },
      ]);
      expect(transaction).toHaveBeenCalledTimes(1);
      await writer.accept([at('2026-01-20T10:04:00Z')]);
      expect(transaction).toHaveBeenCalledTimes(2);
    } finally {
      transaction.mockRestore();
    }
    const kept = (await reader.pending(100)).filter((reading) =>
      reading.time.toISOString().startsWith('2026-01-20'),
    );
    expect(kept.map((reading) => reading.value)).toEqual([20, 20, 20, 20, 20]);
    await writer.discard(kept.map((reading) => reading.key));
  });

  it('refuses only the bad batch of a group; the others are committed', async () => {
    const [good, bad, alsoGood] = await Promise.allSettled([
      writer.accept([at('2026-01-21T10:00:00Z')]),
      writer.accept([at('2026-01-21T10:01:00Z'), at('not a time')]),
      writer.accept([at('2026-01-21T10:02:00Z')]),
    ]);
    expect(good).toEqual({ status: 'fulfilled', value: { accepted: 1, duplicates: 0 } });
    expect(bad?.status).toBe('rejected');
    expect(alsoGood).toEqual({ status: 'fulfilled', value: { accepted: 1, duplicates: 0 } });
    const kept = (await reader.pending(100)).filter((reading) =>
      reading.time.toISOString().startsWith('2026-01-21'),
    );
    expect(kept.map((reading) => reading.time.toISOString()).sort()).toEqual([
      '2026-01-21T10:00:00.000Z',
      '2026-01-21T10:02:00.000Z',
    ]);
    await writer.discard(kept.map((reading) => reading.key));
  });

  it('holds its page cache to 2 MB, not the 16 MB better-sqlite3 builds SQLite with', () => {
    expect(OUTBOX_PAGE_CACHE).toBe(-2000);
    expect(db.get<{ cache_size: number }>('pragma cache_size')).toEqual({ cache_size: -2000 });
  });

  it('keeps status facts', async () => {
    await writer.setState('lastError', { at: '2026-01-10T10:00:00Z', message: 'pod down' });
    expect(await reader.state('lastError')).toEqual({ at: '2026-01-10T10:00:00Z', message: 'pod down' });
    expect(await reader.state('nothing')).toBeUndefined();
  });
});
