// Integration: the pod server stops during ingest and starts again; every accepted reading is in the pod exactly once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import { createLogger } from '../../src/logging.ts';
import { findFreePort } from '../../src/pod/free-port.ts';
import { startPodServer, type PodServer } from '../../src/pod/pod-server.ts';
import { createGatewayHome, snapshotPod, type GatewayHome, removeDataDirs } from './gateway-home.ts';

const TOKEN = 'outage-token-0123456789abcdef';

let cssDir: string;
let port: number;
let css: PodServer | undefined;
let home: GatewayHome;
let gateway: Gateway;

beforeAll(async () => {
  cssDir = await mkdtemp(join(tmpdir(), 'homedata-css-outage-'));
  port = await findFreePort();
  css = await startPodServer({ dataDir: cssDir, port, registration: 'open' });
  home = await createGatewayHome(css.url);
  const settings = await home.settings({
    flush: { intervalMs: 500, maxReadings: 100_000 },
    retry: { baseMs: 200, maxMs: 1000 },
    http: { port: 0, host: '127.0.0.1', token: TOKEN },
  });
  gateway = await startGateway(settings, { logger: createLogger('gateway', 'silent') });
});

afterAll(async () => {
  await gateway?.stop({ finalFlushMs: 0 });
  await home?.resident.agent.logout().catch(() => undefined);
  await home?.gateway.agent.logout().catch(() => undefined);
  await css?.stop();
  await rm(cssDir, { recursive: true, force: true });
  await removeDataDirs();
});

/** Posts `count` readings starting at reading number `first` (one every 37 s over the past hours); returns how many were accepted. */
async function post(first: number, count: number, base: number): Promise<number> {
  const readings = Array.from({ length: count }, (_, offset) => ({
    device: 'living-th1',
    time: new Date(base + (first + offset) * 37_000).toISOString(),
    values: { temperature: 18 + ((first + offset) % 50) / 10 },
  }));
  const response = await fetch(`${gateway.httpUrl}readings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ readings }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { accepted: number }).accepted;
}

describe('pod server outage', () => {
  it('delivers every accepted reading exactly once after the pod server comes back', async () => {
    // Far enough back that even a fast run (1,300 readings, 37 s apart) stays out of the future.
    const base = Date.now() - 24 * 3_600_000;
    let accepted = 0;
    let sent = 0;
    const batch = 25;
    const sendFor = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        accepted += await post(sent, batch, base);
        sent += batch;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    await sendFor(1000);
    await css!.stop();
    css = undefined;
    // Ingest goes on while the pod is down: readings are accepted into the outbox.
    await sendFor(3000);
    await expect.poll(async () => (await gateway.status()).failures, { timeout: 5000 }).toBeGreaterThan(0);
    const during = await gateway.status();
    expect(during.pending).toBeGreaterThan(0);
    expect(during.lastError?.message).toMatch(/unreachable|login failed|fetch failed/i);

    css = await startPodServer({ dataDir: cssDir, port, registration: 'open' });
    await sendFor(1000);

    await expect
      .poll(async () => (await gateway.status()).pending, { timeout: 60_000, interval: 250 })
      .toBe(0);
    expect(accepted).toBe(sent);
    const snapshot = await snapshotPod(home.resident.agent, home.layout.readings);
    expect(snapshot.repeated).toEqual([]);
    expect(snapshot.observations).toBe(accepted);
    expect(snapshot.values).toBe(accepted);
  });
});
