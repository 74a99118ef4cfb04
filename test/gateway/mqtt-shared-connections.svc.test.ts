// Services: a gateway taking MQTT over several connections that share their subscriptions (Mosquitto 2, `$share/`): every message once, none lost, also while it is down.
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import {
  gatewayConfigSchema,
  resolveGatewayConfig,
  type GatewaySettings,
} from '../../src/gateway/gateway-config.ts';
import { createLogger } from '../../src/logging.ts';
import { findFreePort } from '../../src/free-port.ts';
import { freshDataDir, removeDataDirs, waitFor } from './gateway-home.ts';

const MOSQUITTO = process.env.HOMEDATA_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const CONNECTIONS = 4;
// A topic root and client ids of its own, so parallel runs on one Mosquitto never see each other's messages.
const BASE_TOPIC = `homedata-share-${randomUUID().slice(0, 8)}`;

let settings: GatewaySettings;
let gateway: Gateway | undefined;
let publisher: MqttClient;
const logger = createLogger('gateway', 'silent');
const base = Date.now() - 86_400_000;

beforeAll(async () => {
  const dataDir = await freshDataDir();
  // No pod answers here: accepted readings stay in the outbox and the intake's counters tell what came in.
  const nowhere = `http://localhost:${await findFreePort()}/`;
  settings = await resolveGatewayConfig(
    gatewayConfigSchema.parse({
      dataDir: '.',
      pod: `${nowhere}resident/`,
      identity: { issuer: nowhere, clientId: 'nobody', clientSecret: 'nothing' },
      devices: { 'living-th1': { room: 'living-room' } },
      mqtt: {
        url: MOSQUITTO,
        clientId: `gw-${BASE_TOPIC}`,
        connections: CONNECTIONS,
        zigbee2mqttTopic: BASE_TOPIC,
      },
      flush: { intervalSeconds: 3600, maxReadings: 1_000_000 },
    }),
    dataDir,
  );
  gateway = await startGateway(settings, { logger });
  await gateway.mqttReady;
  publisher = await mqtt.connectAsync(MOSQUITTO, { clientId: `sensors-${BASE_TOPIC}` });
});

afterAll(async () => {
  await publisher?.endAsync();
  await gateway?.stop({ finalFlushMs: 0 });
  await removeDataDirs();
});

/** Publishes messages `from`..`to` - 1 of the living room sensor (two readings each), QoS 1, in waves of 100. */
async function publish(from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, to - start) }, (_, offset) =>
        publisher.publishAsync(
          `${BASE_TOPIC}/living-th1`,
          JSON.stringify({
            temperature: 20,
            humidity: 50,
            last_seen: new Date(base + (start + offset) * 1000).toISOString(),
          }),
          { qos: 1 },
        ),
      ),
    );
  }
}

describe(`gateway with ${CONNECTIONS} MQTT connections sharing their subscriptions`, () => {
  it('takes every message exactly once', async () => {
    await publish(0, 1000);
    const intake = gateway!.intake;
    expect(await waitFor(async () => intake.counters.accepted >= 2000, 60_000, 100)).toBe(true);
    // Settle: a message handed to two connections would show up as a duplicate a little later.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(intake.counters).toEqual({ accepted: 2000, duplicates: 0, quarantined: 0 });
  });

  it('gets the messages published while the gateway was down, on whichever connection held them', async () => {
    await gateway!.stop({ finalFlushMs: 0 });
    gateway = undefined;
    await publish(1000, 1200);
    gateway = await startGateway(settings, { logger });
    await gateway.mqttReady;
    const intake = gateway.intake;
    expect(await waitFor(async () => intake.counters.accepted >= 400, 60_000, 100)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(intake.counters).toEqual({ accepted: 400, duplicates: 0, quarantined: 0 });
  });
});
