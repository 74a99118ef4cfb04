// A gateway's start and stop, in the order they promise: the data folder held while it runs, released after, status kept.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockHolder } from '../../src/gateway/data-dir-lock.ts';
import type { GatewaySettings } from '../../src/gateway/gateway-config.ts';
import { readStatusFile, startGateway } from '../../src/gateway/index.ts';
import { createLogger } from '../../src/logging.ts';

const logger = createLogger('test', 'silent');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Settings for a gateway in a fresh folder whose pod is never reached (nothing is flushed in these tests). */
async function settingsIn(extra: Partial<GatewaySettings> = {}): Promise<GatewaySettings> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hd-gateway-lifecycle-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  return {
    dataDir,
    pod: 'http://localhost:9/alice/',
    timeZone: 'Europe/London',
    credentials: { issuer: 'http://localhost:9/', clientId: 'id', clientSecret: 'secret' },
    devices: {},
    flush: { intervalMs: 3_600_000, maxReadings: 1000 },
    summaries: { enabled: false, graceMs: 0 },
    retry: { baseMs: 1000, maxMs: 60_000 },
    maxClockSkewMs: 300_000,
    dedupRetentionDays: 30,
    quarantineFile: join(dataDir, 'quarantine.jsonl'),
    ...extra,
  };
}

/** A port some other server already listens on. */
async function takenPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

describe('gateway lifecycle', () => {
  it('holds the data folder while it runs, then writes a stopped status and releases the folder', async () => {
    const settings = await settingsIn();
    const gateway = await startGateway(settings, { logger, manual: true });
    expect(await lockHolder(settings.dataDir)).toBe(process.pid);
    expect(await gateway.status()).toMatchObject({ state: 'running', pending: 0, quarantined: 0 });

    await gateway.stop({ finalFlushMs: 0 });
    expect(await lockHolder(settings.dataDir)).toBeNull();
    expect(await readStatusFile(settings.dataDir)).toMatchObject({ state: 'stopped', flushing: false });
  });

  it('serves its HTTP input while running and closes it on stop', async () => {
    const settings = await settingsIn({ http: { port: 0, host: '127.0.0.1', token: 'token-0123456789' } });
    const gateway = await startGateway(settings, { logger });
    expect(gateway.httpUrl).toBeDefined();
    expect(await readStatusFile(settings.dataDir)).toMatchObject({ state: 'running' });
    const url = gateway.httpUrl!;
    expect((await fetch(new URL('readings', url), { method: 'POST' })).status).toBe(401);

    await gateway.stop({ finalFlushMs: 0 });
    await expect(fetch(new URL('readings', url), { method: 'POST' })).rejects.toThrow();
    expect(await lockHolder(settings.dataDir)).toBeNull();
  });

  it('a failed input start stops what had started and releases the data folder', async () => {
    const settings = await settingsIn({
      http: { port: await takenPort(), host: '127.0.0.1', token: 'token-0123456789' },
    });
    await expect(startGateway(settings, { logger })).rejects.toThrow();
    expect(await lockHolder(settings.dataDir)).toBeNull();
    expect(await readStatusFile(settings.dataDir)).toMatchObject({ state: 'stopped' });
  });
});
