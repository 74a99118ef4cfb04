// Unit tests: Zigbee2MQTT and The Things Stack messages in, readings (or reasons) out, through the device map.
import { describe, expect, it } from 'vitest';
import { DeviceMap } from '../../src/gateway/device-map.ts';
import { readingsFromMessage, type ParsedMessage } from '../../src/gateway/sensor-message.ts';
import { parseThingsStackUplink } from '../../src/gateway/things-stack-uplink.ts';
import { parseZigbee2mqtt } from '../../src/gateway/zigbee2mqtt-message.ts';

const NOW = new Date('2026-01-15T12:00:00Z');
const devices = new DeviceMap({
  'living-th1': { room: 'living-room' },
  'bedroom-co2': { room: 'bedroom-1', measures: { co2: 'co2', temperature: 'temperature' } },
  lht65: {
    room: 'bathroom',
    measures: {
      TempC_SHT: 'temperature',
      Hum_SHT: { property: 'humidity', unit: 'fraction' },
      TempC_DS: { property: 'temperature', room: 'outdoor', sensor: 'lht65-probe' },
    },
  },
  'us-thermo': { room: 'kitchen', measures: { temperature: { property: 'temperature', unit: 'degF' } } },
  meter: { room: 'home', measures: { energy_wh: { property: 'energy', unit: 'Wh' } } },
  'kitchen-pm': { room: 'kitchen', measures: { pm2_5: { property: 'pm25', range: [0, 500] } } },
});
const context = { devices, now: NOW, maxClockSkewMs: 120_000 };

/** The message of a parse that must have produced one. */
function messageOf(parsed: ParsedMessage) {
  if (parsed.kind !== 'message') throw new Error(`expected a message, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

describe('Zigbee2MQTT messages', () => {
  it('reads temperature and humidity, ignoring battery, linkquality and voc', () => {
    const payload = JSON.stringify({
      temperature: 21.4,
      humidity: 48.2,
      battery: 97,
      linkquality: 120,
      voc: 80,
    });
    const message = messageOf(parseZigbee2mqtt('zigbee2mqtt/living-th1', payload, 'zigbee2mqtt', NOW));
    expect(message).toEqual({ device: 'living-th1', time: NOW, values: expect.any(Object) });
    const { readings, problems } = readingsFromMessage(message, context);
    expect(problems).toEqual([]);
    expect(readings).toEqual([
      { sensor: 'living-th1', room: 'living-room', property: 'temperature', time: NOW, value: 21.4 },
      { sensor: 'living-th1', room: 'living-room', property: 'humidity', time: NOW, value: 48.2 },
    ]);
  });

  it('takes the time from last_seen when Zigbee2MQTT adds it', () => {
    const payload = JSON.stringify({ co2: 812, last_seen: '2026-01-15T11:59:30.000Z' });
    const message = messageOf(parseZigbee2mqtt('zigbee2mqtt/bedroom-co2', payload, 'zigbee2mqtt', NOW));
    expect(message.time.toISOString()).toBe('2026-01-15T11:59:30.000Z');
    const epoch = messageOf(
      parseZigbee2mqtt(
        'zigbee2mqtt/bedroom-co2',
        JSON.stringify({ co2: 1, last_seen: 1768478370000 }),
        'zigbee2mqtt',
        NOW,
      ),
    );
    expect(epoch.time.getTime()).toBe(1768478370000);
  });

  it('skips a retained state without last_seen (replayed on subscribe, time unknown) but reads one with it', () => {
    expect(
      parseZigbee2mqtt('zigbee2mqtt/living-th1', '{"temperature": 20}', 'zigbee2mqtt', NOW, true),
    ).toEqual({ kind: 'skip' });
    const stamped = parseZigbee2mqtt(
      'zigbee2mqtt/living-th1',
      '{"temperature": 20, "last_seen": 1768478370000}',
      'zigbee2mqtt',
      NOW,
      true,
    );
    expect(stamped.kind).toBe('message');
  });

  it('skips the bridge, availability and command topics', () => {
    for (const topic of [
      'zigbee2mqtt/bridge/state',
      'zigbee2mqtt/living-th1/availability',
      'zigbee2mqtt/living-th1/set',
      'other/x',
    ]) {
      expect(parseZigbee2mqtt(topic, '{}', 'zigbee2mqtt', NOW)).toEqual({ kind: 'skip' });
    }
  });

  it('refuses payloads that are not a JSON object, with the reason', () => {
    expect(
      parseZigbee2mqtt('zigbee2mqtt/living-th1', '{"temperature": 21', 'zigbee2mqtt', NOW),
    ).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/^payload is not JSON/),
    });
    expect(parseZigbee2mqtt('zigbee2mqtt/living-th1', '[1,2]', 'zigbee2mqtt', NOW)).toEqual({
      kind: 'invalid',
      reason: 'payload is not a JSON object',
    });
    expect(
      parseZigbee2mqtt('zigbee2mqtt/living-th1', '{"last_seen": true}', 'zigbee2mqtt', NOW),
    ).toMatchObject({ kind: 'invalid' });
  });

  it('names wrong types, impossible values and unknown devices', () => {
    const check = (device: string, values: Record<string, unknown>, time = NOW) =>
      readingsFromMessage({ device, time, values }, context);
    expect(check('living-th1', { temperature: '21.5' }).problems).toEqual([
      'temperature: expected a finite number, got a string',
    ]);
    expect(check('living-th1', { humidity: 140 }).problems).toEqual([
      'humidity: humidity 140 outside the physically possible range 0 to 105',
    ]);
    expect(check('living-th1', { temperature: -95 }).problems).toEqual([
      'temperature: temperature -95 outside the physically possible range -90 to 100',
    ]);
    expect(check('bedroom-co2', { co2: -5 }).problems[0]).toMatch(/^co2: co2 -5 outside/);
    expect(check('living-th1', { temperature: 20 }, new Date('2026-01-15T12:10:00Z')).problems[0]).toMatch(
      /in the future/,
    );
    expect(check('living-th1', { temperature: 20 }, new Date('1970-01-01T00:00:00Z')).problems[0]).toMatch(
      /before 2000/,
    );
    expect(check('ghost', { temperature: 20 }).problems).toEqual([
      'unknown device "ghost" (not in the device map)',
    ]);
  });

  it('keeps a value above the stated range of its channel, flagged, and a PM2.5 burst above the default one', () => {
    const check = (values: Record<string, unknown>, device = 'kitchen-pm') =>
      readingsFromMessage({ device, time: NOW, values }, context);
    expect(check({ pm2_5: 600 }).readings).toMatchObject([{ value: 600, flags: ['above-sensor-range'] }]);
    expect(check({ pm2_5: 400 }).readings[0]!.flags).toBeUndefined();
    expect(check({ humidity: 101 }, 'living-th1').readings).toMatchObject([
      { property: 'humidity', value: 100, flags: ['rh-capped'] },
    ]);
    expect(check({ pm2_5: 2_792 }).problems).toEqual([]);
  });

  it('keeps the good values of a message with one bad value', () => {
    const { readings, problems } = readingsFromMessage(
      { device: 'living-th1', time: NOW, values: { temperature: 20, humidity: null } },
      context,
    );
    expect(readings).toHaveLength(1);
    expect(problems).toEqual(['humidity: expected a finite number, got null']);
  });
});

describe('The Things Stack uplinks', () => {
  const uplink = {
    end_device_ids: { device_id: 'lht65', application_ids: { application_id: 'homes' } },
    received_at: '2026-01-15T11:58:00.123456789Z',
    uplink_message: {
      f_port: 2,
      decoded_payload: { TempC_SHT: 19.5, Hum_SHT: 0.655, TempC_DS: 4.25, BatV: 3.05 },
    },
  };

  it('reads the decoded payload at received_at, with mapped fields, units and rooms', () => {
    const message = messageOf(
      parseThingsStackUplink('v3/homes@ttn/devices/lht65/up', JSON.stringify(uplink)),
    );
    expect(message.device).toBe('lht65');
    expect(message.time.toISOString()).toBe('2026-01-15T11:58:00.123Z');
    const { readings, problems } = readingsFromMessage(message, context);
    expect(problems).toEqual([]);
    expect(readings.map(({ sensor, room, property, value }) => ({ sensor, room, property, value }))).toEqual([
      { sensor: 'lht65', room: 'bathroom', property: 'temperature', value: 19.5 },
      { sensor: 'lht65', room: 'bathroom', property: 'humidity', value: 65.5 },
      { sensor: 'lht65-probe', room: 'outdoor', property: 'temperature', value: 4.25 },
    ]);
  });

  it('refuses an uplink without a decoded payload, saying what to fix', () => {
    const bare = { ...uplink, uplink_message: { f_port: 2, frm_payload: 'AQID' } };
    const parsed = parseThingsStackUplink('v3/homes@ttn/devices/lht65/up', JSON.stringify(bare));
    expect(parsed).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/decoded_payload.*payload formatter/),
    });
  });

  it('skips other topics of the application', () => {
    expect(parseThingsStackUplink('v3/homes@ttn/devices/lht65/join', '{}')).toEqual({ kind: 'skip' });
  });
});
