// Subscribes to Zigbee2MQTT and The Things Stack topics (QoS 1) and acknowledges each message only after the outbox took it.
import type { MqttClient } from 'mqtt';
import { ConfigError, StorageFullError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import type { GatewaySettings } from './gateway-config.ts';
import { connectMqtt } from './mqtt-connect.ts';
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

/**
 * How long after a message could not be committed the input reconnects to have the broker send it again. A broker
 * resends an unacknowledged QoS 1 message only on a new connection (MQTT 3.1.1 and 5, section 4.4), and stops
 * sending once its in-flight window is full of them, so without a reconnect a full disk would stall the input for
 * good.
 */
export const REDELIVERY_MS = 5000;

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
 * The subscriptions and client id of connection `index` of `count`: one connection subscribes plainly under the
 * configured client id (as gateways always did, so an upgrade keeps its broker session); several share each
 * subscription (`$share/<clientId>/<filter>`, MQTT 5 section 4.8.2), so the broker hands each message to one of
 * them, under `<clientId>-<n>`.
 */
export function connectionPlan(
  clientId: string,
  filters: readonly string[],
  count: number,
  index: number,
): { clientId: string; filters: string[] } {
  if (count === 1) return { clientId, filters: [...filters] };
  return {
    clientId: `${clientId}-${index + 1}`,
    filters: filters.map((filter) => `$share/${clientId}/${filter}`),
  };
}

/**
 * Connects `connections` clients with fixed client ids and persistent sessions (`clean: false`), so the broker
 * keeps QoS 1 messages while the gateway is down, and acknowledges a message (PUBACK) only once the outbox
 * committed it (or the quarantine file took it): mqtt.js sends the PUBACK when `handleMessage` calls back without
 * an error, and hands a connection its next message only after that. So each connection has one message in
 * flight; with several, the messages they hold at once share one group commit (outbox-writer.ts). A commit that
 * fails (a full disk) is not acknowledged, so the broker keeps the message; {@link REDELIVERY_MS} later that
 * connection reconnects and the broker sends it again, until it fits.
 */
export function startMqttInput(
  options: NonNullable<GatewaySettings['mqtt']>,
  intake: ReadingIntake,
  logger: Logger,
  now: () => Date,
): MqttInput {
  const filters = [`${options.zigbee2mqttTopic}/#`, options.thingsStackTopic];
  const count = options.connections ?? 1;
  const connections = Array.from({ length: count }, (_, index) =>
    connectOne(options, connectionPlan(options.clientId, filters, count, index), {
      intake,
      logger,
      now,
    }),
  );
  const ready = Promise.all(connections.map((connection) => connection.ready)).then(() => undefined);
  ready.catch((error: unknown) => logger.error({ err: error }, 'MQTT subscription refused'));
  return {
    ready,
    stop: async () => {
      await Promise.all(connections.map((connection) => connection.stop()));
    },
  };
}

/** One connection of the MQTT input. */
function connectOne(
  options: NonNullable<GatewaySettings['mqtt']>,
  plan: { clientId: string; filters: string[] },
  { intake, logger, now }: { intake: ReadingIntake; logger: Logger; now: () => Date },
): MqttInput {
  const client: MqttClient = connectMqtt(options.url, {
    clientId: plan.clientId,
    clean: false,
    reconnectPeriod: 2000,
    // mqtt-packet otherwise builds a 2-byte Buffer for each of the 65,536 packet ids on the first packet it writes:
    // ~6.6 MB of V8 heap held for the process's life (a heap snapshot of a running gateway; docs/gateway.md, "fifth
    // round"), to save allocating 2 bytes per PUBACK.
    writeCache: false,
    // Shared subscriptions are MQTT 5, whose session ends at disconnect unless given an expiry: never, as 3.1.1's
    // persistent session (a single plain connection keeps the 3.1.1 session it always had).
    ...(plan.filters[0]!.startsWith('$share/')
      ? { protocolVersion: 5 as const, properties: { sessionExpiryInterval: 0xffff_ffff } }
      : {}),
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

  let stopped = false;
  let redelivery: NodeJS.Timeout | undefined;
  const askAgainLater = (): void => {
    if (redelivery || stopped) return;
    redelivery = setTimeout(() => {
      redelivery = undefined;
      if (stopped) return;
      client.end(true, {}, () => {
        if (!stopped) client.reconnect();
      });
    }, REDELIVERY_MS);
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
        // A full disk was logged once by the outbox; one line per message would flood the log.
        if (!(error instanceof StorageFullError)) {
          logger.error(
            { err: error, topic: packet.topic },
            'could not commit an MQTT message; not acknowledged',
          );
        }
        callback(error as Error);
        askAgainLater();
      },
    );
  };

  const ready = new Promise<void>((resolve, reject) => {
    const subscribe = (): void => {
      client.subscribe(plan.filters, { qos: 1 }, (error, granted) => {
        // A broker refuses a filter it does not support (aedes and `$share/`) with a failure code, not an error.
        const refused = granted?.find((grant) => grant.qos > 2);
        if (error) reject(error);
        else if (refused)
          reject(
            new ConfigError(`The MQTT broker refused the subscription ${refused.topic}`, {
              broker: options.url,
              topic: refused.topic,
              reasonCode: refused.qos,
            }),
          );
        else resolve();
      });
    };
    client.once('connect', subscribe);
  });
  client.on('connect', () =>
    logger.info({ broker: options.url, clientId: plan.clientId }, 'connected to MQTT broker'),
  );
  client.on('error', (error) => logger.warn({ err: error }, 'MQTT error'));
  client.on('offline', () => logger.warn('MQTT broker unreachable; reconnecting'));

  return {
    ready,
    stop: () => {
      stopped = true;
      clearTimeout(redelivery);
      return new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    },
  };
}
