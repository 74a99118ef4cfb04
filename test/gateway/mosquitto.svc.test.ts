// Services: the MQTT scenario against the real Mosquitto on 127.0.0.1:1883, including messages sent while the gateway is down.
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import type { GatewaySettings } from '../../src/gateway/gateway-config.ts';
import { createLogger } from '../../src/logging.ts';
import { validateAgainstShapes } from '../../src/vocab/index.ts';
import {
  createGatewayHome,
  hourDocuments,
  observationsOfHour,
  type GatewayHome,
  removeDataDirs,
} from './gateway-home.ts';

const MOSQUITTO = process.env.HOMEDATA_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const FLUSH_MS = 4000;
/** The pod write itself, on a loaded 2-core machine; a reading that missed a flush would take a whole interval more. */
const WRITE_SLACK_MS = 3500;
// A topic root of its own, so parallel runs on one Mosquitto never see each other's messages.
const BASE_TOPIC = `homedata-test-${randomUUID().slice(0, 8)}`;

let home: GatewayHome;
let settings: GatewaySettings;
let gateway: Gateway | undefined;
let publisher: MqttClient;
const logger = createLogger('gateway', 'silent');

beforeAll(async () => {
  home = await createGatewayHome(inject('podServer'));
  settings = await home.settings({
    flush: { intervalMs: FLUSH_MS, maxReadings: 100_000 },
    mqtt: {
      url: MOSQUITTO,
      clientId: `gw-${BASE_TOPIC}`,
      zigbee2mqttTopic: BASE_TOPIC,
      thingsStackTopic: `${BASE_TOPIC}-v3/+/devices/+/up`,
    },
  });
  gateway = await startGateway(settings, { logger });
  await gateway.mqttReady;
  publisher = await mqtt.connectAsync(MOSQUITTO, { clientId: `sensors-${BASE_TOPIC}` });
});

afterAll(async () => {
  await publisher?.endAsync();
  await gateway?.stop();
  await home?.resident.agent.logout();
  await home?.gateway.agent.logout();
  await removeDataDirs();
});

/** Observations at exactly `time` in the flush documents of its hour, as the resident sees them. */
function observationsAt(time: Date): Promise<number> {
  return observationsOfHour(home.resident.agent, home.layout, time);
}

describe('gateway with Mosquitto', () => {
  it('puts a Zigbee2MQTT reading into the pod within one flush interval, shape-valid', async () => {
    const time = new Date(Math.floor(Date.now() / 1000) * 1000);
    await publisher.publishAsync(
      `${BASE_TOPIC}/living-th1`,
      JSON.stringify({ temperature: 20.75, humidity: 51, battery: 80, last_seen: time.toISOString() }),
      { qos: 1 },
    );
    const sent = Date.now();
    // This test is about the flush timer itself; the next flushes on demand once the gateway has the reading.
    await expect.poll(() => observationsAt(time), { timeout: 2 * FLUSH_MS + 6000, interval: 100 }).toBe(2);
    expect(Date.now() - sent).toBeLessThanOrEqual(FLUSH_MS + WRITE_SLACK_MS);
    for (const { url, turtle } of await hourDocuments(home.resident.agent, home.layout, time)) {
      expect((await validateAgainstShapes(turtle, { baseIRI: url })).results).toEqual([]);
    }
  });

  it('gets messages published while the gateway was down (persistent session, QoS 1)', async () => {
    await gateway!.stop();
    gateway = undefined;
    const time = new Date(Math.floor(Date.now() / 1000) * 1000 - 30_000);
    await publisher.publishAsync(
      `${BASE_TOPIC}/bedroom-co2`,
      JSON.stringify({ co2: 1234, last_seen: time.toISOString() }),
      { qos: 1 },
    );
    const restarted = await startGateway(settings, { logger });
    gateway = restarted;
    await restarted.mqttReady;
    await expect.poll(() => restarted.intake.counters.accepted, { timeout: 30_000 }).toBe(1);
    await restarted.scheduler.flushNow();
    expect(await observationsAt(time)).toBe(1);
  });
});
