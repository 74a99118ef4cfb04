// Integration: a gateway asked to stop in the middle of a long flush ends cleanly and loses nothing.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startGateway } from '../../src/gateway/index.ts';
import { createGatewayHome, removeDataDirs, snapshotPod, type GatewayHome } from './gateway-home.ts';

const TOKEN = 'stop-token-0123456789abcdef';
const INSTANTS = 1200;

let home: GatewayHome;

beforeAll(async () => {
  home = await createGatewayHome(inject('podServer'));
});

afterAll(async () => {
  await home?.resident.agent.logout();
  await home?.gateway.agent.logout();
  await removeDataDirs();
});

/** A logger that keeps every line, so a test can look for errors. */
function recordingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

describe('gateway stop during a flush', () => {
  it('finishes the writes in flight, records them, and a restart delivers the rest exactly once', async () => {
    const settings = await home.settings({
      flush: { intervalMs: 3_600_000, maxReadings: 100_000 },
      http: { port: 0, host: '127.0.0.1', token: TOKEN },
    });
    const first = recordingLogger();
    const gateway = await startGateway(settings, { logger: first.logger });
    // 1,200 instants 6 minutes apart: 120 hourly documents, far more than one stop waits for.
    const base = Date.now() - INSTANTS * 6 * 60_000 - 3_600_000;
    const readings = Array.from({ length: INSTANTS }, (_, index) => ({
      device: 'living-th1',
      time: new Date(base + index * 6 * 60_000).toISOString(),
      values: { temperature: 15 + (index % 100) / 10 },
    }));
    const response = await fetch(`${gateway.httpUrl}readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ readings }),
    });
    expect(response.status).toBe(202);

    const flushing = gateway.scheduler.flushNow();
    await expect
      .poll(() => first.lines.some((line) => line.msg === 'document written'), {
        timeout: 60_000,
        interval: 20,
      })
      .toBe(true);
    await gateway.stop({ finalFlushMs: 0 });
    // The pass that was cut short ends normally, having recorded what it wrote before the outbox closed.
    expect((await flushing).delivered).toBeGreaterThan(0);
    expect(first.lines.filter((line) => line.level >= 50)).toEqual([]);
    const atStop = await snapshotPod(home.resident.agent, home.layout.readings);
    expect(atStop.observations).toBeGreaterThan(0);
    expect(atStop.observations).toBeLessThan(INSTANTS);

    const second = recordingLogger();
    const restarted = await startGateway(settings, { logger: second.logger });
    await restarted.scheduler.flushNow();
    expect((await restarted.status()).pending).toBe(0);
    await restarted.stop({ finalFlushMs: 0 });
    const after = await snapshotPod(home.resident.agent, home.layout.readings);
    expect(after.repeated).toEqual([]);
    expect(after.observations).toBe(INSTANTS);
    expect(second.lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
