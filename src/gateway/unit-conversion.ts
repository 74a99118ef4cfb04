// Converts a sensor value from the unit its device reports in to the property's canonical unit (°C, %RH, ppm, µg/m³, kWh).
import { CANONICAL_UNIT, type Property } from '../metrics/index.ts';

/** Units a device map may declare, per property; the first of each list is the canonical unit. */
export const UNITS = {
  temperature: ['degC', 'degF', 'K'],
  humidity: ['percentRH', 'fraction'],
  co2: ['ppm', 'ppb'],
  pm25: ['ugPerM3', 'mgPerM3'],
  energy: ['kWh', 'Wh', 'MJ'],
} as const satisfies Record<Property, readonly string[]>;

/** Any unit a device map may declare. */
export type Unit = (typeof UNITS)[Property][number];

/** Every declarable unit, for config validation. */
export const ALL_UNITS: readonly Unit[] = Object.values(UNITS).flat();

const CONVERT: Record<Unit, (value: number) => number> = {
  degC: (value) => value,
  degF: (value) => ((value - 32) * 5) / 9,
  K: (value) => value - 273.15,
  percentRH: (value) => value,
  // Many LoRaWAN decoders report relative humidity as a 0–1 fraction.
  fraction: (value) => value * 100,
  ppm: (value) => value,
  ppb: (value) => value / 1000,
  ugPerM3: (value) => value,
  mgPerM3: (value) => value * 1000,
  kWh: (value) => value,
  Wh: (value) => value / 1000,
  // 1 kWh = 3.6 MJ by definition.
  MJ: (value) => value / 3.6,
};

/** Whether `unit` measures `property` (so a conversion between them exists). */
export function unitFits(property: Property, unit: Unit): boolean {
  return (UNITS[property] as readonly Unit[]).includes(unit);
}

/**
 * The value in the property's canonical unit, rounded to 6 decimals: conversions such as °F → °C give long
 * binary fractions, and a stable decimal keeps the written RDF identical when the same reading is sent twice.
 */
export function toCanonicalUnit(property: Property, unit: Unit | undefined, value: number): number {
  const from = unit ?? (CANONICAL_UNIT[property] as Unit);
  const converted = CONVERT[from](value);
  return Math.round(converted * 1e6) / 1e6;
}
