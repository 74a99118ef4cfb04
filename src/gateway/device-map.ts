// The device map: which device (and which field of its messages) is which room, property and unit.
import { PROPERTIES, type Property } from '../metrics/index.ts';
import type { Unit } from './unit-conversion.ts';

/** One measured channel of a device, as the config file gives it: a property name, or the details. */
export type ChannelSpec =
  | Property
  | { property: Property; unit?: Unit; room?: string; sensor?: string; range?: readonly [number, number] };

/** One device as the config file describes it. */
export interface DeviceSpec {
  /** Room slug the device sits in. */
  room: string;
  /** Message field → channel; by default `temperature`, `humidity`, `co2` and `pm25` are read under those names. */
  measures?: Record<string, ChannelSpec>;
}

/** Where one field of one device's messages goes. */
export interface Channel {
  /** Sensor id written as `sosa:madeBySensor`; the device id unless the channel names its own. */
  sensor: string;
  room: string;
  property: Property;
  /** Unit the device reports in; undefined means the canonical unit. */
  unit?: Unit;
  /** The measuring range its datasheet states, in the canonical unit; undefined means SENSOR_RANGE's. */
  range?: readonly [number, number];
}

/**
 * Fields read when a device lists no `measures`: the climate and air-quality properties under their own names.
 * Not `energy`: Zigbee2MQTT's `energy` is a cumulative meter total, while a reading is the kWh used since the
 * previous one, so an energy channel must be mapped on purpose.
 */
const DEFAULT_MEASURES: Readonly<Record<string, ChannelSpec>> = Object.fromEntries(
  PROPERTIES.filter((property) => property !== 'energy').map((property) => [property, property]),
);

/** Looks devices and their fields up; built once from the config. */
export class DeviceMap {
  private readonly channels = new Map<string, Map<string, Channel>>();

  constructor(devices: Readonly<Record<string, DeviceSpec>>) {
    for (const [device, spec] of Object.entries(devices)) {
      const fields = new Map<string, Channel>();
      for (const [field, channel] of Object.entries(spec.measures ?? DEFAULT_MEASURES)) {
        const detail = typeof channel === 'string' ? { property: channel } : channel;
        fields.set(field, {
          sensor: detail.sensor ?? device,
          room: detail.room ?? spec.room,
          property: detail.property,
          ...(detail.unit ? { unit: detail.unit } : {}),
          ...('range' in detail && detail.range ? { range: detail.range } : {}),
        });
      }
      this.channels.set(device, fields);
    }
  }

  /** Whether the device is known. */
  has(device: string): boolean {
    return this.channels.has(device);
  }

  /** The channel a field of a device's message feeds, if the map reads that field. */
  channel(device: string, field: string): Channel | undefined {
    return this.channels.get(device)?.get(field);
  }

  /** Every device and its channels, for describing the home's sensors. */
  entries(): [string, Channel[]][] {
    return [...this.channels].map(([device, fields]) => [device, [...fields.values()]]);
  }
}

/**
 * Problems that make a device map ambiguous: two channels of one sensor measuring one property would get the
 * same observation IRI at the same instant, so one would silently overwrite the other's identity.
 */
export function deviceMapProblems(devices: Readonly<Record<string, DeviceSpec>>): string[] {
  const problems: string[] = [];
  for (const [device, channels] of new DeviceMap(devices).entries()) {
    const seen = new Set<string>();
    for (const channel of channels) {
      const key = `${channel.sensor}\u0000${channel.property}`;
      if (seen.has(key)) {
        problems.push(
          `devices.${device}: two fields measure ${channel.property} as sensor ${channel.sensor}; give one its own "sensor" id`,
        );
      }
      seen.add(key);
    }
  }
  return problems;
}
