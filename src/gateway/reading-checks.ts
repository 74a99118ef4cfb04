// Decides whether a reading is physically possible: the last check before a reading enters the outbox.
import type { Property, Reading } from '../metrics/types.ts';

/** Plausible ranges in canonical units; a value outside is a sensor or mapping fault, never weather. */
export const PLAUSIBLE_RANGE: Readonly<Record<Property, readonly [number, number]>> = {
  // Indoor and near-outdoor air in a UK home; −50 °C and 70 °C are beyond any record for a dwelling.
  temperature: [-50, 70],
  // Relative humidity is a percentage by definition.
  humidity: [0, 100],
  // 40,000 ppm (4 %) is the IDLH limit (NIOSH); NDIR home sensors top out at 10,000–40,000 ppm.
  co2: [0, 40_000],
  // Low-cost optical PM sensors (e.g. Plantower PMS5003) saturate at 1,000 µg/m³.
  pm25: [0, 1_000],
  // kWh used since the previous reading; 100 kWh within one reading interval is beyond a domestic supply (100 A × 230 V ≈ 23 kW).
  energy: [0, 100],
};

/** Readings before this instant come from a sensor whose clock was never set (e.g. epoch 1970). */
export const EARLIEST_READING = Date.UTC(2000, 0, 1);

/** Why a reading cannot be true, or null when it can. */
export function implausibility(reading: Reading, now: Date, maxClockSkewMs: number): string | null {
  const { property, value, time } = reading;
  if (!Number.isFinite(value)) return `${property} is not a finite number (${value})`;
  const [low, high] = PLAUSIBLE_RANGE[property];
  if (value < low || value > high)
    return `${property} ${value} outside the plausible range ${low} to ${high}`;
  const at = time.getTime();
  if (Number.isNaN(at)) return 'time is not a valid instant';
  if (at < EARLIEST_READING) return `time ${time.toISOString()} is before 2000-01-01 (sensor clock not set?)`;
  if (at > now.getTime() + maxClockSkewMs) {
    return `time ${time.toISOString()} is in the future (more than ${maxClockSkewMs / 1000} s ahead of the gateway clock)`;
  }
  return null;
}
