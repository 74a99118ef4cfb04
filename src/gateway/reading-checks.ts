// Decides what becomes of a reading before it enters the outbox: refused when it cannot be true, else kept and flagged.
import type { Property, Reading, ReadingFlag } from '../metrics/index.ts';

/** The highest relative humidity kept (as 100 %, flagged `rh-capped`): condensing air, see PHYSICAL_RANGE. */
export const RH_CONDENSING_MAX = 105;

/**
 * Values no indoor (or outdoor) air can have, in canonical units: a value outside is a sensor, framing or mapping
 * fault and is quarantined. These are bounds of physics, not of any one sensor: a real sensor honestly reporting
 * a possible value is never refused (docs/metrics.md, Data quality).
 */
export const PHYSICAL_RANGE: Readonly<Record<Property, readonly [number, number]>> = {
  // Below: −89.2 °C, the lowest air temperature recorded on Earth (Vostok, 1983; WMO Archive of Weather and
  // Climate Extremes). Above: 100 °C, the hot end of a sauna's air (70–100 °C); hotter air in a dwelling is fire.
  temperature: [-90, 100],
  // A capacitive RH sensor reads a few percent above 100 % when water condenses on it (WMO-No. 8, Guide to
  // Instruments and Methods of Observation, 2018, Vol. I ch. 4): up to 105 % is condensing air, which is exactly
  // the damp we look for, and is kept as 100 % (RH_CONDENSING_MAX). Above 105 % no sensor reads honestly.
  humidity: [0, RH_CONDENSING_MAX],
  // A concentration cannot be negative, and CO2 cannot be more than the whole of the air (10⁶ ppm). The NIOSH
  // IDLH of 40,000 ppm is a health limit, not a physical one: a sensor above it is kept (and flagged).
  co2: [0, 1_000_000],
  // Indoor PM2.5 peaks of a few thousand µg/m³ are documented from smoking, cooking and candles (Ott, Klepeis &
  // Switzer 2008, J. Expo. Sci. Environ. Epidemiol. 18:312; HOMEChem, Farmer et al. 2019, Environ. Sci.:
  // Processes Impacts 21:1280) and a home kit reported 2,792 µg/m³ (docs/metrics.md). 100,000 µg/m³ (0.1 g/m³) is
  // far above any of them: beyond it the value is a framing or mapping fault (e.g. an unconverted raw count).
  pm25: [0, 100_000],
  // kWh used since the previous reading; 100 kWh within one reading interval (≤ 1 h: smart meters report each
  // 30 min, SMETS2) is beyond a domestic supply (100 A × 230 V ≈ 23 kW).
  energy: [0, 100],
};

/**
 * The measuring range a typical home sensor of each property states. A physically possible value outside it is
 * kept with a flag: it may be an extrapolation, but it is what the sensor saw.
 */
export const SENSOR_RANGE: Readonly<Record<Property, readonly [number, number]>> = {
  // Bosch BME280 and similar combined sensors: operating range −40 to 85 °C (datasheet).
  temperature: [-40, 85],
  // Relative humidity is a percentage by definition.
  humidity: [0, 100],
  // NDIR sensors: Sensirion SCD30 400–10,000 ppm (datasheet). 400 ppm is also the fresh-air baseline their
  // automatic self-calibration assumes, so a value below it is a calibration offset, kept and flagged.
  co2: [400, 10_000],
  // Plantower PMS5003: maximum range ≥ 1,000 µg/m³; Sensirion SPS30: 0–1,000 µg/m³ (datasheets).
  pm25: [0, 1_000],
  // No meter states a smaller range than the physical one above.
  energy: [0, 100],
};

/** Readings before this instant come from a sensor whose clock was never set (e.g. epoch 1970). */
export const EARLIEST_READING = Date.UTC(2000, 0, 1);

/** What the checks made of a reading: refused with the reason, or kept (possibly capped and flagged). */
export type ReadingCheck = { kind: 'refused'; reason: string } | { kind: 'kept'; reading: Reading };

/** Relative humidity of saturated air: a reading above it (condensing air) is kept as this, flagged `rh-capped`. */
const RH_SATURATION = 100;

/**
 * Checks one reading: refused when its value cannot be true of air or its time is impossible; otherwise kept,
 * with a flag when it lies outside the sensor's stated range (the device map's `range` of its channel, else
 * SENSOR_RANGE), and an RH of 100–105 % kept as 100 %.
 */
export function checkReading(
  reading: Reading,
  now: Date,
  maxClockSkewMs: number,
  sensorRange: readonly [number, number] = SENSOR_RANGE[reading.property],
): ReadingCheck {
  const { property, value, time } = reading;
  const refused = (reason: string): ReadingCheck => ({ kind: 'refused', reason });
  if (!Number.isFinite(value)) return refused(`${property} is not a finite number (${value})`);
  const [low, high] = PHYSICAL_RANGE[property];
  if (value < low || value > high)
    return refused(`${property} ${value} outside the physically possible range ${low} to ${high}`);
  const at = time.getTime();
  if (Number.isNaN(at)) return refused('time is not a valid instant');
  if (at < EARLIEST_READING)
    return refused(`time ${time.toISOString()} is before 2000-01-01 (sensor clock not set?)`);
  if (at > now.getTime() + maxClockSkewMs) {
    return refused(
      `time ${time.toISOString()} is in the future (more than ${maxClockSkewMs / 1000} s ahead of the gateway clock)`,
    );
  }
  const flags: ReadingFlag[] = [...(reading.flags ?? [])];
  let kept = value;
  const [sensorLow, sensorHigh] = sensorRange;
  if (property === 'humidity' && value > RH_SATURATION) {
    kept = RH_SATURATION;
    flags.push('rh-capped');
  } else if (value > sensorHigh) flags.push('above-sensor-range');
  else if (value < sensorLow) flags.push('below-sensor-range');
  if (flags.length === 0) return { kind: 'kept', reading };
  return { kind: 'kept', reading: { ...reading, value: kept, flags: [...new Set(flags)] } };
}
