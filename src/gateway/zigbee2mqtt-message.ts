// Reads Zigbee2MQTT device messages (`zigbee2mqtt/<friendly name>`, a JSON object of the device's state).
import { z } from 'zod';
import { parseJson, type ParsedMessage } from './sensor-message.ts';

/** Device state: any JSON object. Values are checked per field against the device map. */
const stateSchema = z.record(z.string(), z.unknown());

/** Zigbee2MQTT sub-topics that are not device state (commands, availability, the bridge's own topics). */
const NOT_STATE = /(^bridge(\/|$))|(\/(set|get|availability)(\/.*)?$)/;

/**
 * The reading time: Zigbee2MQTT adds `last_seen` (ISO 8601 or epoch ms, by its `advanced.last_seen` setting) when
 * enabled; otherwise the moment the gateway received the message.
 */
function messageTime(state: Record<string, unknown>, receivedAt: Date): Date | string {
  const lastSeen = state.last_seen;
  if (lastSeen === undefined || lastSeen === 'disable') return receivedAt;
  const time =
    typeof lastSeen === 'number' || typeof lastSeen === 'string' ? new Date(lastSeen) : new Date(NaN);
  return Number.isNaN(time.getTime()) ? `last_seen is not a time: ${JSON.stringify(lastSeen)}` : time;
}

/**
 * Reads one Zigbee2MQTT message; `baseTopic` is Zigbee2MQTT's `mqtt.base_topic` (default `zigbee2mqtt`). A
 * retained message (the broker replaying the last state on subscribe) without `last_seen` is skipped: its
 * measuring time is unknown, and stamping it with the arrival time would invent a reading at every reconnect.
 */
export function parseZigbee2mqtt(
  topic: string,
  payload: Buffer | string,
  baseTopic: string,
  receivedAt: Date,
  retained = false,
): ParsedMessage {
  const device = topic.slice(baseTopic.length + 1);
  if (!topic.startsWith(`${baseTopic}/`) || device === '' || NOT_STATE.test(device)) return { kind: 'skip' };
  const json = parseJson(payload);
  if (!json.ok) return { kind: 'invalid', reason: json.reason };
  const state = stateSchema.safeParse(json.value);
  if (!state.success) return { kind: 'invalid', reason: 'payload is not a JSON object' };
  if (retained && state.data.last_seen === undefined) return { kind: 'skip' };
  const time = messageTime(state.data, receivedAt);
  if (typeof time === 'string') return { kind: 'invalid', reason: time };
  return { kind: 'message', message: { device, time, values: state.data } };
}
