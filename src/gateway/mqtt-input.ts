// Subscribes to Zigbee2MQTT and The Things Stack topics (QoS 1) and acknowledges each message only after the outbox took it.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../logging.ts';
import type { GatewaySettings } from './gateway-config.ts';
import type { ReadingIntake } from './reading-intake.ts';
import type { ParsedMessage } from './sensor-message.ts';
import { parseThingsStackUplink } from './things-stack-uplink.ts';
import { parseZigbee2mqtt } from './zigbee2mqtt-message.ts';

/** A connected MQTT input. */
export interface MqttInput {
  /** Resolves once subscribed. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/** Whether a topic filter (`v3/+/devices/+/up`) matches a topic. */
export function topicMatches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let index = 0; index < filterLevels.length; index++) {
    const level = filterLevels[index];
    if (level === '#') return true;
    if (index >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[index]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/**
 * Connects with a fixed client id and a persistent session (`clean: false`), so the broker keeps QoS 1 messages
 * while the gateway is down, and acknowledges a message (PUBACK) only once the outbox committed it (or the
 * quarantine file took it): mqtt.js sends the PUBACK when `handleMessage` calls back. A commit that fails is not
 * acknowledged; the broker sends the message again after reconnecting.
 */
export function startMqttInput(
  options: NonNullable<GatewaySettings['mqtt']>,
  intake: ReadingIntake,
  logger: Logger,
  now: () => Date,
): MqttInput {
  const zigbeeFilter = `${options.zigbee2mqttTopic}/#`;
  const client: MqttClient = mqtt.connect(options.url, {
    clientId: options.clientId,
    clean: false,
    reconnectPeriod: 2000,
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
  });

  const parse = (
    topic: string,
    payload: Buffer,
    retained: boolean,
  ): { parsed: ParsedMessage; source: 'zigbee2mqtt' | 'things-stack' } => {
    if (topicMatches(options.thingsStackTopic, topic)) {
      return { parsed: parseThingsStackUplink(topic, payload), source: 'things-stack' };
    }
    return {
      parsed: parseZigbee2mqtt(topic, payload, options.zigbee2mqttTopic, now(), retained),
      source: 'zigbee2mqtt',
    };
  };

  client.handleMessage = (packet, callback) => {
    if (packet.cmd !== 'publish') {
      callback();
      return;
    }
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const { parsed, source } = parse(packet.topic, payload, packet.retain);
    intake.message(parsed, { source, where: packet.topic, raw: payload.toString('utf8') }).then(
      () => callback(),
      (error: unknown) => {
        logger.error(
          { err: error, topic: packet.topic },
          'could not commit an MQTT message; not acknowledged',
        );
        callback(error as Error);
      },
    );
  };

  const ready = new Promise<void>((resolve, reject) => {
    const subscribe = (): void => {
      client.subscribe([zigbeeFilter, options.thingsStackTopic], { qos: 1 }, (error) => {
        if (error) reject(error);
        else resolve();
      });
    };
    client.once('connect', subscribe);
  });
  ready.catch((error: unknown) => logger.error({ err: error }, 'MQTT subscription refused'));
  client.on('connect', () => logger.info({ broker: options.url }, 'connected to MQTT broker'));
  client.on('error', (error) => logger.warn({ err: error }, 'MQTT error'));
  client.on('offline', () => logger.warn('MQTT broker unreachable; reconnecting'));

  return {
    ready,
    stop: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}
