// Integration: a gateway process killed with SIGKILL right after it acknowledged (MQTT PUBACK, HTTP 202) still has every acknowledged reading in its outbox.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOutboxDatabase } from '../../src/gateway/outbox-store.ts';
import { findFreePort } from '../../src/free-port.ts';
import { freshDataDir, removeDataDirs, waitFor } from './gateway-home.ts';

const TOKEN = 'ack-token-0123456789abcdef';
const CLI = join(import.meta.dirname, '../../bin/homedata.js');
/** The kill comes right after this many MQTT acknowledgements, while HTTP requests are in flight too. */
const KILL_AFTER_ACKS = 300;
const HTTP_CLIENTS = 8;

let dataDir: string;
let configFile: string;
let httpPort: number;
let broker: Aedes;
let brokerServer: Server;
let publisher: MqttClient;
let child: ChildProcess | undefined;

beforeAll(async () => {
  broker = await Aedes.createBroker();
  brokerServer = createServer(broker.handle);
  const mqttPort = await findFreePort();
  await new Promise<void>((resolve) => brokerServer.listen(mqttPort, '127.0.0.1', resolve));
  dataDir = await freshDataDir();
  httpPort = await findFreePort();
  // No pod answers on this port: every accepted reading stays in the outbox, where the test counts it.
  const nowhere = `http://localhost:${await findFreePort()}/`;
  configFile = join(dataDir, 'gateway.json');
  await writeFile(
    configFile,
    JSON.stringify({
      dataDir: '.',
      pod: `${nowhere}resident/`,
      identity: { issuer: nowhere, clientId: 'nobody', clientSecret: 'nothing' },
      devices: { 'living-th1': { room: 'living-room' } },
      mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, clientId: 'ack-gateway' },
      http: { port: httpPort, token: TOKEN },
      flush: { intervalSeconds: 3600, maxReadings: 1_000_000 },
    }),
  );
  publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'ack-sensors' });
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await publisher?.endAsync();
  await new Promise<void>((resolve) => broker?.close(() => resolve()));
  brokerServer?.close();
  await removeDataDirs();
});

/** Whether the child's HTTP input answers. */
async function healthy(): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${httpPort}/health`)).ok;
  } catch {
    return false;
  }
}

describe('acknowledge only after the commit', () => {
  it('keeps every reading acknowledged by PUBACK or 202 when the gateway is killed right after', async () => {
    child = spawn(process.execPath, [CLI, 'gateway', 'run', '--config', configFile], {
      env: { ...process.env, HOMEDATA_LOG_LEVEL: 'warn', NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<string | null>((resolve) =>
      child!.once('exit', (_, signal) => resolve(signal)),
    );
    expect(await waitFor(healthy, 60_000, 200)).toBe(true);
    const subscribed = await waitFor(async () => broker.connectedClients > 1, 30_000, 100);
    expect(subscribed).toBe(true);

    // Each MQTT message and each HTTP entry is one instant of the sensor (temperature and humidity).
    const base = Date.now() - 2 * 86_400_000;
    const ackedTimes: string[] = [];
    broker.on('ack', (packet) => {
      if (!packet || !('payload' in packet) || child!.signalCode !== null) return;
      ackedTimes.push((JSON.parse(packet.payload.toString()) as { last_seen: string }).last_seen);
      if (ackedTimes.length === KILL_AFTER_ACKS) child!.kill('SIGKILL');
    });
    const published = (async () => {
      for (let index = 0; child!.signalCode === null && index < 100_000; index++) {
        const time = new Date(base + index * 1000).toISOString();
        await publisher.publishAsync(
          'zigbee2mqtt/living-th1',
          JSON.stringify({ temperature: 20 + (index % 10) / 10, humidity: 50, last_seen: time }),
          { qos: 1 },
        );
      }
    })();
    const answered: string[] = [];
    const posting = Array.from({ length: HTTP_CLIENTS }, async (_, client) => {
      for (let index = 0; child!.signalCode === null; index++) {
        const time = new Date(base + 86_400_000 + (index * HTTP_CLIENTS + client) * 1000).toISOString();
        try {
          const response = await fetch(`http://127.0.0.1:${httpPort}/readings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
            body: JSON.stringify({
              readings: [{ device: 'living-th1', time, values: { temperature: 19, humidity: 45 } }],
            }),
          });
          if (response.status === 202) answered.push(time);
        } catch {
          // the gateway died with this request in flight: not acknowledged, so not counted
        }
      }
    });
    expect(await exited).toBe('SIGKILL');
    await Promise.all([published, ...posting]);
    expect(ackedTimes.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(answered.length).toBeGreaterThan(0);

    const db = await openOutboxDatabase(dataDir, { upgrade: 'none' });
    try {
      const kept = new Set(
        db
          .all<{ time: string; property: string }>(`select time, property from readings`)
          .map(({ time, property }) => `${time} ${property}`),
      );
      const missing = [...ackedTimes, ...answered].flatMap((time) =>
        ['temperature', 'humidity'].map((property) => `${time} ${property}`).filter((key) => !kept.has(key)),
      );
      expect(missing).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
