// The typed records metrics work on: readings in canonical units and the daily summaries built from them.

/** The dwelling types a home profile names (hd:DwellingType's members); cohorts may be split by them. */
export const DWELLING_TYPES = ['Flat', 'Terraced', 'SemiDetached', 'Detached', 'Bungalow'] as const;
export type DwellingType = (typeof DWELLING_TYPES)[number];

/** The properties a gateway measures, each in one canonical unit. */
export const PROPERTIES = ['temperature', 'humidity', 'co2', 'pm25', 'energy'] as const;
export type Property = (typeof PROPERTIES)[number];

/** Canonical unit per property: °C, %RH, ppm, µg/m³, kWh (energy is the amount used since the previous reading). */
export const CANONICAL_UNIT: Record<Property, string> = {
  temperature: 'degC',
  humidity: 'percentRH',
  co2: 'ppm',
  pm25: 'ugPerM3',
  energy: 'kWh',
};

/**
 * Why a kept reading is marked, never why one is dropped. `above-sensor-range` / `below-sensor-range`: outside the
 * range a typical sensor of the property states, yet physically possible. `rh-capped`: a relative humidity of
 * 100–105 % (condensing air) kept as 100 %. `stuck`: from a sensor that reported one value longer than its
 * property's limit (stuck-sensors.ts); set when summarising, never stored.
 */
export const READING_FLAGS = ['above-sensor-range', 'below-sensor-range', 'rh-capped', 'stuck'] as const;
export type ReadingFlag = (typeof READING_FLAGS)[number];

/** One sensor value at one instant, already validated and in the property's canonical unit. */
export interface Reading {
  /** Device-local sensor id (e.g. `living-th1`); stable across restarts. */
  sensor: string;
  /** Room slug (e.g. `living-room`, `bedroom-1`, `kitchen`, `bathroom`). */
  room: string;
  property: Property;
  /** The instant the value was measured (UTC). */
  time: Date;
  value: number;
  /** Quality flags of a kept reading; absent or empty when it has none. */
  flags?: readonly ReadingFlag[];
}

/**
 * One room's figures for one property over one local calendar day.
 * Hour counts use hourly means: an hour counts when its mean meets the threshold.
 * Fields that do not apply to a property are absent.
 */
export interface DailySummary {
  property: Property;
  room: string;
  /** Local calendar date `YYYY-MM-DD` in the home's time zone. */
  date: string;
  /** Length of that local day in hours: 23, 24 or 25 on daylight-saving days. */
  hoursInDay: number;
  /** Hours of the day with at least one valid reading. */
  validHours: number;
  /** Number of readings that day. */
  count: number;
  /** Mean of the hourly means. */
  mean: number;
  min: number;
  max: number;
  /** humidity: hours with mean RH ≥ 70 % and ≥ 80 %. */
  hoursRh70?: number;
  hoursRh80?: number;
  /** humidity: 1 when the day fails the Approved Document F (2006) moisture test, else 0. */
  adfFailed?: number;
  /** humidity: mean dew point (°C) over hours where this room's temperature is also known. */
  dewPointMean?: number;
  /** humidity: hours where this room's temperature is also known (the weight of dewPointMean and vapourPressureMean). */
  dewPointHours?: number;
  /** humidity: mean water vapour pressure (hPa) over those hours; ISO 13788 surface RH is computed from it. */
  vapourPressureMean?: number;
  /** temperature: hours with mean below 18 °C and below 16 °C. */
  hoursBelow18?: number;
  hoursBelow16?: number;
  /** temperature: valid hours and their mean between 07:00 and 23:00 local. */
  daytimeHours?: number;
  daytimeMean?: number;
  /** temperature: valid night hours (22:00–07:00 local) and those above 26 °C. */
  nightHours?: number;
  nightHoursAbove26?: number;
  /** co2: valid night hours (22:00–07:00) and their mean; hours per band. */
  nightMean?: number;
  hoursCo2Below800?: number;
  hoursCo2800to1000?: number;
  hoursCo21000to1500?: number;
  hoursCo2Above1500?: number;
  /** energy: kWh used that day (sum of readings). */
  sum?: number;
  /**
   * Quality (absent means 0). Hours not counted in validHours because every reading in them came from a stuck
   * sensor; on a day with no other hour, mean, min and max are the stuck value and validHours is 0.
   */
  hoursStuck?: number;
  /** Quality (absent means 0): valid hours holding a reading above / below the sensor's stated range. */
  hoursAboveSensorRange?: number;
  hoursBelowSensorRange?: number;
  /** Quality (absent means 0): valid hours holding a relative humidity of 100–105 % kept as 100 %. */
  hoursRhCapped?: number;
}

/** The quality fields of a DailySummary: hours flagged, by reason. */
export const QUALITY_FIELDS = [
  'hoursStuck',
  'hoursAboveSensorRange',
  'hoursBelowSensorRange',
  'hoursRhCapped',
] as const satisfies readonly (keyof DailySummary)[];
export type QualityField = (typeof QUALITY_FIELDS)[number];
