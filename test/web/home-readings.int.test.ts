// The resident page's "last 24 hours" reads the gateway's per-flush documents: every flush of every hour, each
// reading once however many documents repeat it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { observationQuads, readingKey } from '../../src/gateway/observation-rdf.ts';
import { PodWriter } from '../../src/gateway/pod-writer.ts';
import { createLogger } from '../../src/logging.ts';
import type { Reading } from '../../src/metrics/types.ts';
import { readLastDay } from '../../src/web/resident/home-readings.ts';
import { createGatewayHome, removeDataDirs, type GatewayHome } from '../gateway/gateway-home.ts';

const at = (time: string, value: number): Reading => ({
  sensor: 'living-th1',
  room: 'living-room',
  property: 'temperature',
  time: new Date(time),
  value,
});

describe('the last 24 hours of readings on the resident page', () => {
  let home: GatewayHome;
  let writer: PodWriter;

  beforeAll(async () => {
    home = await createGatewayHome(inject('podServer'));
    writer = new PodWriter(home.gateway.identity, createLogger('gateway', 'silent'), () => new Date());
  });

  afterAll(async () => {
    await writer?.close();
    await home?.resident.agent.logout();
    await home?.gateway.agent.logout();
    await removeDataDirs();
  });

  it('merges the flush documents of each hour and counts a reading two documents hold once', async () => {
    const flushes = [
      [at('2026-01-05T09:00:00Z', 18), at('2026-01-05T09:05:00Z', 18.5)],
      [at('2026-01-05T09:10:00Z', 19)],
      // A retry under another name repeats 09:10 next to a new reading.
      [at('2026-01-05T09:10:00Z', 19), at('2026-01-05T09:15:00Z', 19.5)],
      [at('2026-01-05T10:00:00Z', 20)],
      // Older than 24 hours before the newest hour: not shown.
      [at('2026-01-04T09:00:00Z', 10)],
    ];
    for (const [index, batch] of flushes.entries()) {
      const name = `${readingKey(batch[0]!)}-${index}`;
      const quads = batch.flatMap((reading) => observationQuads(reading, home.layout));
      expect(await writer.create(home.layout.readingsDocument(batch[0]!.time, name), quads)).toEqual({
        kind: 'written',
      });
    }
    const readings = await readLastDay(home.resident.agent.fetch, home.layout);
    expect(readings!.map(({ time, value }) => [new Date(time * 1000).toISOString(), value]).sort()).toEqual([
      ['2026-01-05T09:00:00.000Z', 18],
      ['2026-01-05T09:05:00.000Z', 18.5],
      ['2026-01-05T09:10:00.000Z', 19],
      ['2026-01-05T09:15:00.000Z', 19.5],
      ['2026-01-05T10:00:00.000Z', 20],
    ]);
  });
});
