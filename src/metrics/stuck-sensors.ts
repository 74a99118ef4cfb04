// Finds stuck sensors: one value, or no variation beyond the sensor's resolution, for longer than the property allows.
import type { Property, Reading } from './types.ts';

const HOUR_MS = 3_600_000;

/**
 * How long a sensor may report one value before it counts as stuck, in hours; null where a constant value is true.
 * This is the persistence test of meteorological quality control (Meek & Hatfield 1994, Agric. For. Meteorol.
 * 69:85; Estévez et al. 2011, J. Hydrol. 402:144), with limits set for an occupied home:
 * - pm25, co2: 24 h. Cooking, cleaning and people move PM2.5 every day, and people's breath moves CO2
 *   (docs/metrics.md, Stuck sensors).
 *   A CO2 sensor resting at its 400 ppm floor while a room airs for tens of minutes, or overnight, is normal and
 *   far below the limit; only a whole day without change is a dead sensor.
 * - temperature, humidity: 48 h. Heating schedules, the weather, showers and cooking move both daily, but a
 *   closed, unheated room can stay within one step for a day, so the limit is two.
 * - energy: none. A vacant home using 0 kWh, or a constant standby load, is true.
 */
export const STUCK_LIMIT_HOURS: Readonly<Record<Property, number | null>> = {
  pm25: 24,
  co2: 24,
  temperature: 48,
  humidity: 48,
  energy: null,
};

/**
 * The smallest step a typical sensor of the property reports: values within one step of each other are "one
 * value". PMS5003 and NDIR CO2 sensors report whole µg/m³ and ppm; climate sensors 0.1 °C and (many) 1 % RH.
 */
export const SENSOR_RESOLUTION: Readonly<Record<Property, number>> = {
  pm25: 1,
  co2: 1,
  temperature: 0.1,
  humidity: 1,
  energy: 0,
};

/** Float slack when comparing a spread with a resolution (0.1 is not exact in binary). */
const EPSILON = 1e-9;

/** A sensor's latest stretch of values within one resolution step: carried from one batch of readings to the next. */
export interface SensorRun {
  sensor: string;
  property: Property;
  /** First and last reading of the stretch, ms since the epoch. */
  start: number;
  last: number;
  /** Lowest and highest value in the stretch. */
  low: number;
  high: number;
}

/** Readings with the stuck ones flagged, and each sensor's open run to carry into the next batch. */
export interface StuckMarking {
  /** The readings in their order; those of a stuck stretch are copies carrying the `stuck` flag. */
  readings: Reading[];
  /** One open run per sensor and property (the carried runs of sensors absent from the batch included). */
  runs: SensorRun[];
}

/** Key of a sensor's property. */
function runKey(sensor: string, property: string): string {
  return `${sensor}\u0000${property}`;
}

/**
 * Flags readings from a sensor that reported one value (no variation beyond SENSOR_RESOLUTION) for at least its
 * property's STUCK_LIMIT_HOURS. `carried` are the open runs of the previous batch: a stretch that began there
 * continues here, so a dead sensor is found across days; its readings already summarised stay as they were. A
 * silence longer than the limit ends a stretch (nothing shows the value held).
 */
export function markStuckReadings(
  readings: readonly Reading[],
  carried: readonly SensorRun[] = [],
): StuckMarking {
  const bySensor = new Map<string, number[]>();
  readings.forEach((reading, index) => {
    if (STUCK_LIMIT_HOURS[reading.property] === null) return;
    const key = runKey(reading.sensor, reading.property);
    const list = bySensor.get(key);
    if (list === undefined) bySensor.set(key, [index]);
    else list.push(index);
  });
  const open = new Map<string, SensorRun>(
    carried.map((run) => [runKey(run.sensor, run.property), { ...run }]),
  );
  const stuck = new Set<number>();
  for (const [key, indices] of bySensor) {
    indices.sort((a, b) => readings[a]!.time.getTime() - readings[b]!.time.getTime());
    const { sensor, property } = readings[indices[0]!]!;
    const limitMs = STUCK_LIMIT_HOURS[property]! * HOUR_MS;
    const resolution = SENSOR_RESOLUTION[property] + EPSILON;
    let run = open.get(key);
    let members: number[] = [];
    /** Flags the current run's readings of this batch when the run is long enough. */
    const close = (): void => {
      if (run !== undefined && run.last - run.start >= limitMs) for (const index of members) stuck.add(index);
    };
    for (const index of indices) {
      const { time, value } = readings[index]!;
      const at = time.getTime();
      const continues =
        run !== undefined &&
        at - run.last <= limitMs &&
        Math.max(run.high, value) - Math.min(run.low, value) <= resolution;
      if (continues) {
        run!.last = Math.max(run!.last, at);
        run!.low = Math.min(run!.low, value);
        run!.high = Math.max(run!.high, value);
      } else {
        close();
        run = { sensor, property, start: at, last: at, low: value, high: value };
        members = [];
      }
      members.push(index);
    }
    close();
    open.set(key, run!);
  }
  return {
    readings: readings.map((reading, index) =>
      stuck.has(index) ? { ...reading, flags: [...(reading.flags ?? []), 'stuck'] } : reading,
    ),
    runs: [...open.values()],
  };
}
