// Integration: MQTT (embedded aedes broker) and HTTP into a gateway, out to a real CSS pod — timely, shape-valid, and robust to junk.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import type { GatewaySettings } from '../../src/gateway/gateway-config.ts';
import { createLogger } from '../../src/logging.ts';
import { findFreePort } from '../../src/free-port.ts';
import { TERMS, validateAgainstShapes } from '../../src/vocab/index.ts';
import {
  createGatewayHome,
  hourDocuments,
  observationsOfHour,
  type GatewayHome,
  removeDataDirs,
} from './gateway-home.ts';

const FLUSH_MS = 4000;
/** The pod write itself, on a loaded 2-core machine; a reading that missed a flush would take a whole interval more. */
const WRITE_SLACK_MS = 3500;
const TOKEN = 'test-token-0123456789abcdef';

let home: GatewayHome;
let settings: GatewaySettings;
let gateway: Gateway;
let broker: Aedes;
let brokerServer: Server;
let publisher: MqttClient;

beforeAll(async () => {
  home = await createGatewayHome(inject('podServer'));
  broker = await Aedes.createBroker();
  brokerServer = createServer(broker.handle);
  const port = await findFreePort();
  await new Promise<void>((resolve) => brokerServer.listen(port, '127.0.0.1', resolve));
  settings = await home.settings({
    flush: { intervalMs: FLUSH_MS, maxReadings: 100_000 },
    mqtt: {
      url: `mqtt://127.0.0.1:${port}`,
      clientId: 'gateway-under-test',
      zigbee2mqttTopic: 'zigbee2mqtt',
      thingsStackTopic: 'v3/+/devices/+/up',
    },
    http: { port: 0, host: '127.0.0.1', token: TOKEN },
    devices: {
      'living-th1': { room: 'living-room' },
      'bedroom-co2': { room: 'bedroom-1' },
      lht65: {
        room: 'bedroom-1',
        measures: { TempC_SHT: 'temperature', Hum_SHT: { property: 'humidity', unit: 'fraction' } },
      },
    },
  });
  gateway = await startGateway(settings, { logger: createLogger('gateway', 'silent') });
  await gateway.mqttReady;
  publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'sensors' });
});

afterAll(async () => {
  await publisher?.endAsync();
  await gateway?.stop();
  await new Promise<void>((resolve) => broker?.close(() => resolve()));
  brokerServer?.close();
  await home?.resident.agent.logout();
  await home?.gateway.agent.logout();
  await removeDataDirs();
});

/** Observations at exactly `time` in the flush documents of its hour, as the resident sees them. */
function observationsAt(time: Date): Promise<number> {
  return observationsOfHour(home.resident.agent, home.layout, time);
}

describe('gateway over MQTT and HTTP', () => {
  it('puts a Zigbee2MQTT reading into the pod within one flush interval, shape-valid', async () => {
    const time = new Date(Math.floor(Date.now() / 1000) * 1000);
    // QoS 1 end to end: the broker acknowledges the sensor, the gateway acknowledges the broker after its commit.
    await publisher.publishAsync(
      'zigbee2mqtt/living-th1',
      JSON.stringify({
        temperature: 21.5,
        humidity: 44.5,
        battery: 91,
        linkquality: 120,
        voc: 40,
        last_seen: time.toISOString(),
      }),
      { qos: 1 },
    );
    const acked = Date.now();
    // This test is about the flush timer itself; the others flush on demand once the gateway has the reading.
    await expect.poll(() => observationsAt(time), { timeout: 2 * FLUSH_MS + 6000, interval: 100 }).toBe(2);
    expect(Date.now() - acked).toBeLessThanOrEqual(FLUSH_MS + WRITE_SLACK_MS);

    const documents = await hourDocuments(home.resident.agent, home.layout, time);
    for (const { url, turtle } of documents) {
      expect((await validateAgainstShapes(turtle, { baseIRI: url })).results).toEqual([]);
    }
    expect(documents.map(({ turtle }) => turtle).join('\n')).toContain('21.5');
  });

  it('puts The Things Stack uplinks in, converting a 0–1 humidity', async () => {
    const time = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const uplink = {
      end_device_ids: { device_id: 'lht65' },
      received_at: time.toISOString(),
      uplink_message: { decoded_payload: { TempC_SHT: 18.25, Hum_SHT: 0.71, BatV: 3.1 } },
    };
    const before = gateway.intake.counters.accepted;
    await publisher.publishAsync('v3/homes@ttn/devices/lht65/up', JSON.stringify(uplink), { qos: 1 });
    await expect.poll(() => gateway.intake.counters.accepted, { timeout: 30_000 }).toBe(before + 2);
    await gateway.scheduler.flushNow();
    expect(await observationsAt(time)).toBe(2);
    const documents = await hourDocuments(home.resident.agent, home.layout, time);
    const values = documents.flatMap(({ store }) =>
      store.getObjects(null, TERMS.qudt.numericValue, null).map((term) => Number(term.value)),
    );
    expect(values).toContain(71);
  });

  it('answers an HTTP batch with 202 after the commit, and refuses bad calls with problem details', async () => {
    const url = `${gateway.httpUrl}readings`;
    const time = new Date(Date.now() - 120_000).toISOString();
    const body = {
      readings: [
        { device: 'bedroom-co2', time, values: { co2: 915 } },
        { device: 'bedroom-co2', time, values: { co2: 'high' } },
        { device: 'nobody', time, values: { co2: 500 } },
      ],
    };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
    const accepted = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      quarantined: [
        { index: 1, reason: 'co2: expected a finite number, got a string' },
        { index: 2, reason: 'unknown device "nobody" (not in the device map)' },
      ],
    });

    const noToken = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await noToken.json()).toMatchObject({
      type: 'https://homedata.dev/problems/unauthenticated',
      status: 401,
    });

    const badJson = await fetch(url, { method: 'POST', headers, body: '{"readings": [' });
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const notABatch = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ readings: [] }) });
    expect(notABatch.status).toBe(422);
    expect(await notABatch.json()).toMatchObject({
      type: 'https://homedata.dev/problems/validation',
      detail: expect.stringMatching(/readings/),
    });
  });

  it('quarantines 1,000 malformed messages, each with a reason, and keeps running', async () => {
    const before = (await readFile(settings.quarantineFile, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean).length;
    const now = Date.now();
    const kinds = [
      () => ['zigbee2mqtt/living-th1', '{"temperature": 21.'],
      () => ['zigbee2mqtt/living-th1', '"just a string"'],
      () => ['zigbee2mqtt/living-th1', JSON.stringify({ temperature: 'warm' })],
      () => ['zigbee2mqtt/living-th1', JSON.stringify({ humidity: 140 })],
      // Below absolute zero: no air has it (-90 °C, the WMO record low, is kept and flagged instead).
      () => ['zigbee2mqtt/living-th1', JSON.stringify({ temperature: -300 })],
      () => ['zigbee2mqtt/bedroom-co2', JSON.stringify({ co2: null })],
      () => ['zigbee2mqtt/ghost-sensor', JSON.stringify({ temperature: 20 })],
      () => [
        'zigbee2mqtt/living-th1',
        JSON.stringify({ temperature: 20, last_seen: new Date(now + 86_400_000).toISOString() }),
      ],
      () => [
        'v3/homes@ttn/devices/lht65/up',
        JSON.stringify({ received_at: 'yesterday', uplink_message: {} }),
      ],
      () => ['v3/homes@ttn/devices/lht65/up', '\u0000\u0001binary'],
    ];
    const sends: Promise<unknown>[] = [];
    for (let index = 0; index < 1000; index++) {
      const [topic, payload] = kinds[index % kinds.length]!();
      sends.push(publisher.publishAsync(topic!, payload!, { qos: 1 }));
    }
    await Promise.all(sends);

    const quarantined = async () =>
      (await readFile(settings.quarantineFile, 'utf8')).split('\n').filter(Boolean).slice(before);
    await expect
      .poll(async () => (await quarantined()).length, { timeout: 60_000 })
      .toBeGreaterThanOrEqual(1000);
    const lines = await quarantined();
    expect(lines).toHaveLength(1000);
    for (const line of lines) {
      const entry = JSON.parse(line) as { reason: string; source: string; raw: unknown; where: string };
      expect(entry.reason.length).toBeGreaterThan(5);
      expect(['zigbee2mqtt', 'things-stack']).toContain(entry.source);
      expect(entry.raw).toEqual(expect.any(String));
    }
    const reasons = new Set(
      lines.map((line) => (JSON.parse(line) as { reason: string }).reason.split(':')[0]),
    );
    expect(reasons.size).toBeGreaterThanOrEqual(6);

    // Still alive: a good message after the junk lands. Half a second off the whole seconds the other tests use, so
    // a reading of theirs from five seconds ago cannot share its time (it did on Node 24, which runs them faster).
    const time = new Date(Math.floor(Date.now() / 1000) * 1000 - 5500);
    const acceptedBefore = gateway.intake.counters.accepted;
    await publisher.publishAsync(
      'zigbee2mqtt/bedroom-co2',
      JSON.stringify({ co2: 777, last_seen: time.toISOString() }),
      { qos: 1 },
    );
    await expect.poll(() => gateway.intake.counters.accepted, { timeout: 30_000 }).toBe(acceptedBefore + 1);
    await gateway.scheduler.flushNow();
    expect(await observationsAt(time)).toBe(1);
    expect((await gateway.status()).quarantined).toBeGreaterThanOrEqual(1002);
  });
});
