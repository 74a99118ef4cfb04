// Turns one device's message (already pulled out of MQTT, HTTP, CSV…) into validated readings in canonical units.
import type { Reading } from '../metrics/index.ts';
import type { DeviceMap } from './device-map.ts';
import { checkReading } from './reading-checks.ts';
import { toCanonicalUnit } from './unit-conversion.ts';

/** Where a message came from. */
export type InputSource = 'zigbee2mqtt' | 'things-stack' | 'http' | 'csv' | 'simulator';

/** The values one device reported at one instant, as an input adapter found them. */
export interface SensorMessage {
  device: string;
  time: Date;
  /** Field → value as sent; only fields the device map reads are looked at. */
  values: Readonly<Record<string, unknown>>;
}

/** What a topic and payload amount to: a device message, something to skip (bridge, availability), or a fault. */
export type ParsedMessage =
  { kind: 'message'; message: SensorMessage } | { kind: 'skip' } | { kind: 'invalid'; reason: string };

/** Parses a JSON payload, or says why it is not JSON. */
export function parseJson(
  payload: Buffer | string,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(payload.toString()) };
  } catch (error) {
    return { ok: false, reason: `payload is not JSON: ${(error as Error).message}` };
  }
}

/** The readings a message gave and why any of its values were refused. */
export interface MessageReadings {
  readings: Reading[];
  /** One reason per refused value (empty when all were good). */
  problems: string[];
}

/** What the checks need besides the message: the device map, the clock and the allowed clock skew. */
export interface MessageContext {
  devices: DeviceMap;
  now: Date;
  maxClockSkewMs: number;
}

/** A short description of a value's type for error messages. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'number' ? `the number ${value}` : `a ${typeof value}`;
}

/** Maps, converts and checks every value of a message the device map knows; unread fields (battery…) are skipped. */
export function readingsFromMessage(message: SensorMessage, context: MessageContext): MessageReadings {
  if (!context.devices.has(message.device)) {
    return { readings: [], problems: [`unknown device "${message.device}" (not in the device map)`] };
  }
  const readings: Reading[] = [];
  const problems: string[] = [];
  for (const [field, raw] of Object.entries(message.values)) {
    const channel = context.devices.channel(message.device, field);
    if (!channel) continue;
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      problems.push(`${field}: expected a finite number, got ${typeOf(raw)}`);
      continue;
    }
    const reading: Reading = {
      sensor: channel.sensor,
      room: channel.room,
      property: channel.property,
      time: message.time,
      value: toCanonicalUnit(channel.property, channel.unit, raw),
    };
    const check = checkReading(reading, context.now, context.maxClockSkewMs, channel.range);
    if (check.kind === 'refused') problems.push(`${field}: ${check.reason}`);
    else readings.push(check.reading);
  }
  return { readings, problems };
}
