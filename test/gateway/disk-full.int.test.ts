// Integration: the outbox's disk fills up (a real 8 MB tmpfs): nothing is acknowledged, one log line, nothing lost, and it resumes alone.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, rmdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import { PROBLEM_BASE } from '../../src/errors.ts';
import { findFreePort } from '../../src/pod/free-port.ts';
import { createGatewayHome, snapshotPod, type GatewayHome } from './gateway-home.ts';

const TOKEN = 'test-token-0123456789abcdef';

/** Mounts a small tmpfs (root only); returns its folder, or why not. */
async function mountTmpfs(): Promise<{ dir: string } | { why: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'homedata-disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    await rmdir(dir);
    return { why: (error as Error).message.split('\n')[0]! };
  }
}

const mount = await mountTmpfs();
if ('why' in mount) {
  // On CI the runner is root in a container that may mount: there the test must run, not skip.
  if (process.env['CI']) throw new Error(`disk-full test needs a tmpfs mount: ${mount.why}`);
  process.stderr.write(`disk-full.int.test.ts skipped: cannot mount a tmpfs here (${mount.why})\n`);
}

/** `count` HTTP entries of the living room sensor, one a second from `start` (each two readings). */
function entries(start: number, count: number) {
  return Array.from({ length: count }, (_, index) => ({
    device: 'living-th1',
    time: new Date(start + index * 1000).toISOString(),
    values: { temperature: 20 + (index % 10) / 10, humidity: 50 },
  }));
}

/** Fills the file system of `dir` to the last byte; returns the filler file. */
async function fill(dir: string): Promise<string> {
  const file = join(dir, 'filler');
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // The last partial chunk: byte by byte is slow, 512 bytes is fine-grained enough for 4 KiB pages.
  try {
    for (;;) await handle.write(Buffer.alloc(512, 1));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  await handle.close();
  return file;
}

describe.skipIf('why' in mount)('a gateway whose outbox disk is full', () => {
  const dir = 'dir' in mount ? mount.dir : '';
  const logLines: { msg: string; level: number }[] = [];
  let home: GatewayHome;
  let gateway: Gateway;
  let broker: Aedes;
  let brokerServer: Server;
  let publisher: MqttClient;

  /** POSTs a batch to the HTTP input. */
  const post = (body: unknown) =>
    fetch(new URL('readings', gateway.httpUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    home = await createGatewayHome(inject('podServer'));
    broker = await Aedes.createBroker();
    brokerServer = createServer(broker.handle);
    const port = await findFreePort();
    await new Promise<void>((resolve) => brokerServer.listen(port, '127.0.0.1', resolve));
    const dataDir = join(dir, 'gateway');
    await mkdir(dataDir);
    const settings = await home.settings({
      dataDir,
      quarantineFile: join(dataDir, 'quarantine.jsonl'),
      // No flush until the test asks: the outbox is what is being filled.
      flush: { intervalMs: 3_600_000, maxReadings: 1_000_000 },
      mqtt: {
        url: `mqtt://127.0.0.1:${port}`,
        clientId: 'gateway-disk-full',
        zigbee2mqttTopic: 'zigbee2mqtt',
        thingsStackTopic: 'v3/+/devices/+/up',
      },
      http: { port: 0, host: '127.0.0.1', token: TOKEN },
    });
    const logger = pino(
      { level: 'info' },
      {
        write: (line: string) => {
          logLines.push(JSON.parse(line) as { msg: string; level: number });
        },
      },
    );
    gateway = await startGateway(settings, { logger });
    await gateway.mqttReady;
    publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'sensors' });
  }, 60_000);

  afterAll(async () => {
    await publisher?.endAsync();
    await gateway?.stop({ finalFlushMs: 0 });
    await new Promise<void>((resolve) => broker?.close(() => resolve()));
    brokerServer?.close();
    await home?.resident.agent.logout();
    await home?.gateway.agent.logout();
    if (dir) {
      execFileSync('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops acknowledging (507, no PUBACK), logs one line, keeps what it had, and resumes when space returns', async () => {
    const start = Date.now() - 3 * 3_600_000;
    const before = await post({ readings: entries(start, 100) });
    expect(before.status).toBe(202);

    const filler = await fill(dir);
    const acceptedBefore = gateway.intake.counters.accepted;
    expect(acceptedBefore).toBe(200);

    // MQTT: the broker acknowledges the sensor; the gateway must not acknowledge the broker.
    const mqttTime = new Date(start + 10 * 60_000 + 500);
    await publisher.publishAsync(
      'zigbee2mqtt/living-th1',
      JSON.stringify({ temperature: 21.5, humidity: 44.5, last_seen: mqttTime.toISOString() }),
      { qos: 1 },
    );
    // HTTP: 507 with a problem document.
    const batch = { readings: entries(start + 3_600_000, 500) };
    const full = await post(batch);
    expect(full.status).toBe(507);
    expect(full.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await full.json()).toMatchObject({ type: `${PROBLEM_BASE}insufficient-storage`, status: 507 });
    // Give the MQTT input time to fail at least once more (a redelivery after reconnecting).
    await new Promise((resolve) => setTimeout(resolve, 7000));
    expect((await post(batch)).status).toBe(507);
    expect(gateway.intake.counters.accepted).toBe(acceptedBefore);
    const fullLines = logLines.filter((line) => line.msg.startsWith('outbox disk full'));
    expect(fullLines).toHaveLength(1);
    // No per-message error line either: one clear line per episode.
    expect(logLines.filter((line) => line.msg.includes('not acknowledged') && line.level >= 50)).toHaveLength(
      1,
    );

    // Space returns: the broker's redelivery lands by itself, the HTTP sender's retry is taken.
    await rm(filler);
    await expect.poll(() => gateway.intake.counters.accepted, { timeout: 20_000 }).toBe(acceptedBefore + 2);
    expect((await post(batch)).status).toBe(202);
    expect(logLines.filter((line) => line.msg.startsWith('outbox disk has space again'))).toHaveLength(1);

    // Everything accepted reaches the pod exactly once.
    await gateway.scheduler.flushNow();
    const pod = await snapshotPod(home.resident.agent, home.layout.readings);
    expect(pod.repeated).toEqual([]);
    expect(pod.observations).toBe(200 + 2 + 1000);
  }, 120_000);
});
