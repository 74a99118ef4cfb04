// The typed records metrics work on: readings in canonical units and the daily summaries built from them.

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
}
