// Unit tests: an outbox written by a PGlite gateway is copied into the SQLite outbox on upgrade, nothing lost, nothing twice.
import { rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxReader } from '../../src/gateway/outbox-reader.ts';
import { openOutboxDatabase } from '../../src/gateway/outbox-store.ts';
import { OutboxWriter } from '../../src/gateway/outbox-writer.ts';
import type { Reading } from '../../src/metrics/types.ts';
import { openOutboxDatabase as openPgliteOutbox } from './fixtures/pglite-outbox-v1/outbox-store.ts';
import { OutboxWriter as PgliteOutboxWriter } from './fixtures/pglite-outbox-v1/outbox-writer.ts';
import { freshDataDir, removeDataDirs } from './gateway-home.ts';

/** A temperature reading of the living room at `iso`. */
function at(iso: string, value = 20): Reading {
  return { sensor: 'living-th1', room: 'living-room', property: 'temperature', time: new Date(iso), value };
}

let dataDir: string;

beforeAll(async () => {
  // The old gateway's outbox: one day summarised and pruned, one reading delivered awaiting its summary, two
  // pending, a status fact.
  dataDir = await freshDataDir();
  const old = await openPgliteOutbox(dataDir);
  const writer = new PgliteOutboxWriter(old, 'Europe/London');
  await writer.accept([
    at('2026-01-10T10:00:00Z', 19.5),
    at('2026-01-11T10:00:00Z', 20.5),
    at('2026-01-11T11:00:00Z', 21.5),
    at('2026-01-11T12:00:00Z', 22.5),
  ]);
  const keys = (await old.query<{ key: string; time: Date }>('select key, time from readings order by time'))
    .rows;
  await writer.markDelivered([keys[0]!.key, keys[1]!.key]);
  await writer.recordSummarised(
    [{ property: 'temperature', room: 'living-room', date: '2026-01-10', readings: 1 }],
    'written',
  );
  await writer.setState('lastFlush', { at: '2026-01-11T10:05:00Z', delivered: 2 });
  await old.close();
}, 120_000);

afterAll(removeDataDirs);

/** What the SQLite outbox of `dataDir` holds, opened as a gateway opens it. */
async function contents() {
  const db = await openOutboxDatabase(dataDir);
  try {
    const reader = new OutboxReader(db);
    const writer = new OutboxWriter(db, 'Europe/London');
    return {
      counts: await reader.counts(),
      pending: (await reader.pending(10)).map((reading) => [reading.time.toISOString(), reading.value]),
      toSummarise: await reader.datesToSummarise(),
      lastFlush: await reader.state('lastFlush'),
      // Offered again: the pruned one and the pending ones are all duplicates.
      again: await writer.accept([at('2026-01-10T10:00:00Z'), at('2026-01-11T12:00:00Z')]),
    };
  } finally {
    await db.close();
  }
}

const EXPECTED = {
  counts: { pending: 2, awaitingSummary: 1, summarisedDays: 1, deliveredKeys: 1 },
  pending: [
    ['2026-01-11T11:00:00.000Z', 21.5],
    ['2026-01-11T12:00:00.000Z', 22.5],
  ],
  toSummarise: [{ date: '2026-01-11', pending: 2 }],
  lastFlush: { at: '2026-01-11T10:05:00Z', delivered: 2 },
  again: { accepted: 0, duplicates: 2 },
};

describe('upgrading a PGlite outbox', () => {
  it('copies pending readings, delivered keys, summarised days and state, then sets the old folder aside', async () => {
    expect(await contents()).toEqual(EXPECTED);
    await expect(stat(join(dataDir, 'outbox'))).rejects.toThrow();
    expect((await stat(join(dataDir, 'outbox.pglite-migrated', 'PG_VERSION'))).isFile()).toBe(true);
  }, 120_000);

  it('copies nothing twice when a gateway died between the copy and setting the old folder aside', async () => {
    await rename(join(dataDir, 'outbox.pglite-migrated'), join(dataDir, 'outbox'));
    expect(await contents()).toEqual(EXPECTED);
    await expect(stat(join(dataDir, 'outbox'))).rejects.toThrow();
  }, 120_000);
});
