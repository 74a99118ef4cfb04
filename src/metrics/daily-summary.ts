// Builds the DailySummary of one room, property and local day from its hourly values, and all complete days of a batch.
import { ValidationError } from '../errors.ts';
import { hourlyValues, type HourlyValue } from './hourly-means.ts';
import { addDays, localDayStart } from './local-time.ts';
import { dewPoint, vapourPressure } from './psychrometrics.ts';
import {
  ADF_HIGH_RH_PERCENT,
  ADF_MAX_HOURS_ABOVE_HIGH,
  ADF_MAX_HOURS_ABOVE_VERY_HIGH,
  ADF_VERY_HIGH_RH_PERCENT,
  ADF_WINDOW_HOURS,
  CO2_GUIDE_PPM,
  CO2_POOR_PPM,
  CO2_WELL_VENTILATED_PPM,
  DAMP_RH_PERCENT,
  DAYTIME_END_HOUR,
  DAYTIME_START_HOUR,
  HHSRS_SERIOUS_COLD_C,
  MOULD_RH_PERCENT,
  NIGHT_END_HOUR,
  NIGHT_START_HOUR,
  TM59_NIGHT_LIMIT_C,
  WHO_MIN_TEMPERATURE_C,
} from './thresholds.ts';
import type { DailySummary, Property, QualityField, Reading, ReadingFlag } from './types.ts';

const HOUR_MS = 3_600_000;

/** One room's hourly values of one property over one local day. */
export interface DayInput {
  property: Property;
  room: string;
  /** Local calendar date `YYYY-MM-DD`. */
  date: string;
  /** Length of the local day in hours (23, 24 or 25). */
  hoursInDay: number;
  /** The day's measured hourly values; at least one, unless `stuckHours` has some. */
  hours: readonly HourlyValue[];
  /** Hours whose every reading came from a stuck sensor: not measured, counted as hoursStuck. */
  stuckHours?: readonly HourlyValue[];
  /** Measured hours holding a flagged reading, by quality field (absent means 0). */
  flaggedHours?: Partial<Record<Exclude<QualityField, 'hoursStuck'>, number>>;
  /** humidity only: the same room's hourly temperatures that day, for dew point and vapour pressure. */
  temperatures?: readonly HourlyValue[];
}

/** Options of summariseReadings. */
export interface SummariseOptions {
  /** The current instant: only local days that have ended by then are summarised. */
  now: Date;
  /** Extra temperature readings (e.g. already written earlier) used only for the dew point of humidity rooms. */
  temperatureForDewPoint?: readonly Reading[];
}

/** Whether a local clock hour lies in the night, 22:00–07:00. */
export function isNightHour(localHour: number): boolean {
  return localHour >= NIGHT_START_HOUR || localHour < NIGHT_END_HOUR;
}

/** Whether a local clock hour lies in the daytime, 07:00–23:00. */
export function isDaytimeHour(localHour: number): boolean {
  return localHour >= DAYTIME_START_HOUR && localHour < DAYTIME_END_HOUR;
}

/** The DailySummary of one room, property and local day. */
export function summariseDay(input: DayInput): DailySummary {
  const { property, room, date, hoursInDay, hours } = input;
  const stuckHours = input.stuckHours ?? [];
  if (hours.length === 0 && stuckHours.length === 0)
    throw new ValidationError('A daily summary needs at least one hour', { room, date });
  const seen = new Set<number>();
  let count = 0;
  for (const hour of [...hours, ...stuckHours]) {
    if (hour.date !== date || hour.index < 0 || hour.index >= hoursInDay || seen.has(hour.index)) {
      throw new ValidationError('An hour does not belong to this day or is repeated', {
        room,
        date,
        hourDate: hour.date,
        index: hour.index,
      });
    }
    seen.add(hour.index);
    count += hour.count;
  }
  // A day whose every hour was stuck still says what the sensor reported (for the resident), weighted by 0 hours.
  const measured = hours.length > 0 ? hours : stuckHours;
  let total = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const hour of measured) {
    total += hour.value;
    if (hour.value < min) min = hour.value;
    if (hour.value > max) max = hour.value;
  }
  const summary: DailySummary = {
    property,
    room,
    date,
    hoursInDay,
    validHours: hours.length,
    count,
    mean: total / measured.length,
    min,
    max,
  };
  if (property === 'humidity') Object.assign(summary, humidityFields(hours, input.temperatures ?? []));
  else if (property === 'temperature') Object.assign(summary, temperatureFields(hours));
  else if (property === 'co2') Object.assign(summary, co2Fields(hours));
  else if (property === 'energy') summary.sum = hours.length > 0 ? total : 0;
  if (stuckHours.length > 0) summary.hoursStuck = stuckHours.length;
  for (const [field, flagged] of Object.entries(input.flaggedHours ?? {}) as [QualityField, number][]) {
    if (flagged > 0) summary[field] = flagged;
  }
  return summary;
}

/** Damp figures of a humidity day: hours at or above 70 / 80 %, the ADF test, dew point where temperature is known. */
function humidityFields(
  hours: readonly HourlyValue[],
  temperatures: readonly HourlyValue[],
): Partial<DailySummary> {
  const temperatureAt = new Map<number, number>();
  for (const hour of temperatures) temperatureAt.set(hour.index, hour.value);
  let hoursRh70 = 0;
  let hoursRh80 = 0;
  const aboveHigh: number[] = [];
  const aboveVeryHigh: number[] = [];
  let dewPointHours = 0;
  let dewPointTotal = 0;
  let vapourPressureTotal = 0;
  for (const hour of hours) {
    const rh = hour.value;
    if (rh >= DAMP_RH_PERCENT) hoursRh70++;
    if (rh >= MOULD_RH_PERCENT) hoursRh80++;
    if (rh > ADF_HIGH_RH_PERCENT) aboveHigh.push(hour.index);
    if (rh > ADF_VERY_HIGH_RH_PERCENT) aboveVeryHigh.push(hour.index);
    const temperature = temperatureAt.get(hour.index);
    // The Magnus dew point needs RH > 0 (log of zero); a reading of 0 % is a sensor fault, not dry air.
    if (temperature !== undefined && rh > 0) {
      dewPointHours++;
      dewPointTotal += dewPoint(temperature, rh);
      vapourPressureTotal += vapourPressure(temperature, rh);
    }
  }
  const adfFailed =
    tooManyInWindow(aboveHigh, ADF_MAX_HOURS_ABOVE_HIGH) ||
    tooManyInWindow(aboveVeryHigh, ADF_MAX_HOURS_ABOVE_VERY_HIGH);
  const fields: Partial<DailySummary> = { hoursRh70, hoursRh80, adfFailed: adfFailed ? 1 : 0, dewPointHours };
  if (dewPointHours > 0) {
    fields.dewPointMean = dewPointTotal / dewPointHours;
    fields.vapourPressureMean = vapourPressureTotal / dewPointHours;
  }
  return fields;
}

/** Whether more than `maxHours` of the hour indices fall within one ADF window of 12 consecutive hours. */
function tooManyInWindow(indices: number[], maxHours: number): boolean {
  indices.sort((a, b) => a - b);
  // maxHours + 1 exceeding hours fit in a window exactly when the first and last of them are < 12 hours apart.
  for (let last = maxHours; last < indices.length; last++) {
    if (indices[last]! - indices[last - maxHours]! < ADF_WINDOW_HOURS) return true;
  }
  return false;
}

/** Cold and overheating figures of a temperature day. */
function temperatureFields(hours: readonly HourlyValue[]): Partial<DailySummary> {
  let hoursBelow18 = 0;
  let hoursBelow16 = 0;
  let daytimeHours = 0;
  let daytimeTotal = 0;
  let nightHours = 0;
  let nightHoursAbove26 = 0;
  for (const hour of hours) {
    const temperature = hour.value;
    if (temperature < WHO_MIN_TEMPERATURE_C) hoursBelow18++;
    if (temperature < HHSRS_SERIOUS_COLD_C) hoursBelow16++;
    if (isDaytimeHour(hour.localHour)) {
      daytimeHours++;
      daytimeTotal += temperature;
    }
    if (isNightHour(hour.localHour)) {
      nightHours++;
      if (temperature > TM59_NIGHT_LIMIT_C) nightHoursAbove26++;
    }
  }
  const fields: Partial<DailySummary> = {
    hoursBelow18,
    hoursBelow16,
    daytimeHours,
    nightHours,
    nightHoursAbove26,
  };
  if (daytimeHours > 0) fields.daytimeMean = daytimeTotal / daytimeHours;
  return fields;
}

/** Ventilation figures of a CO2 day: night mean and hours per band. */
function co2Fields(hours: readonly HourlyValue[]): Partial<DailySummary> {
  let nightHours = 0;
  let nightTotal = 0;
  let below800 = 0;
  let from800to1000 = 0;
  let above1000to1500 = 0;
  let above1500 = 0;
  for (const hour of hours) {
    const co2 = hour.value;
    if (isNightHour(hour.localHour)) {
      nightHours++;
      nightTotal += co2;
    }
    if (co2 < CO2_WELL_VENTILATED_PPM) below800++;
    else if (co2 <= CO2_GUIDE_PPM) from800to1000++;
    else if (co2 <= CO2_POOR_PPM) above1000to1500++;
    else above1500++;
  }
  const fields: Partial<DailySummary> = {
    nightHours,
    hoursCo2Below800: below800,
    hoursCo2800to1000: from800to1000,
    hoursCo21000to1500: above1000to1500,
    hoursCo2Above1500: above1500,
  };
  if (nightHours > 0) fields.nightMean = nightTotal / nightHours;
  return fields;
}

/**
 * DailySummaries of every room, property and local day in a batch of readings whose day has ended by `now`,
 * ordered by property, room and date. Readings flagged `stuck` (markStuckReadings) are not measurements: an hour
 * with only those counts in hoursStuck, not validHours; other flags are counted per hour in the quality fields. Humidity rooms take their dew point from the same room's temperatures
 * in the batch and in `temperatureForDewPoint`.
 */
export function summariseReadings(
  readings: readonly Reading[],
  timeZone: string,
  options: SummariseOptions,
): DailySummary[] {
  const now = options.now.getTime();
  const groups = new Map<string, Reading[]>();
  for (const reading of readings) appendTo(groups, `${reading.property}\u0000${reading.room}`, reading);
  const extraTemperatures = new Map<string, Reading[]>();
  for (const reading of options.temperatureForDewPoint ?? []) {
    if (reading.property === 'temperature') appendTo(extraTemperatures, reading.room, reading);
  }

  const summaries: DailySummary[] = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!;
    const { property, room } = group[0]!;
    // A stuck sensor's readings are not measurements: its hours count only where no other sensor measured.
    const measuredReadings = group.filter((reading) => !reading.flags?.includes('stuck'));
    const days = byDate(hourlyValues(measuredReadings, timeZone));
    const stuckDays = byDate(
      hourlyValues(
        group.filter((reading) => reading.flags?.includes('stuck')),
        timeZone,
      ),
    );
    const flagged = flaggedHoursByDate(measuredReadings, timeZone);
    const temperatureDays =
      property === 'humidity'
        ? byDate(
            hourlyValues(
              [...(groups.get(`temperature\u0000${room}`) ?? []), ...(extraTemperatures.get(room) ?? [])],
              timeZone,
            ),
          )
        : new Map<string, HourlyValue[]>();
    for (const date of [...new Set([...days.keys(), ...stuckDays.keys()])].sort()) {
      const start = localDayStart(date, timeZone).getTime();
      const end = localDayStart(addDays(date, 1), timeZone).getTime();
      if (end > now) continue;
      const hours = days.get(date) ?? [];
      const measuredStarts = new Set(hours.map((hour) => hour.start));
      summaries.push(
        summariseDay({
          property,
          room,
          date,
          hoursInDay: (end - start) / HOUR_MS,
          hours,
          stuckHours: (stuckDays.get(date) ?? []).filter((hour) => !measuredStarts.has(hour.start)),
          flaggedHours: flagged.get(date),
          temperatures: temperatureDays.get(date),
        }),
      );
    }
  }
  return summaries;
}

/** The quality field counting the measured hours that hold a reading with each flag (`stuck` is counted apart). */
const FLAG_FIELD: Readonly<Record<Exclude<ReadingFlag, 'stuck'>, Exclude<QualityField, 'hoursStuck'>>> = {
  'above-sensor-range': 'hoursAboveSensorRange',
  'below-sensor-range': 'hoursBelowSensorRange',
  'rh-capped': 'hoursRhCapped',
};

/** Per local date, how many hours hold a reading with each flag. */
function flaggedHoursByDate(
  readings: readonly Reading[],
  timeZone: string,
): Map<string, Partial<Record<Exclude<QualityField, 'hoursStuck'>, number>>> {
  const byDay = new Map<string, Partial<Record<Exclude<QualityField, 'hoursStuck'>, number>>>();
  for (const [flag, field] of Object.entries(FLAG_FIELD) as [
    ReadingFlag,
    Exclude<QualityField, 'hoursStuck'>,
  ][]) {
    const flagged = readings.filter((reading) => reading.flags?.includes(flag));
    for (const hour of hourlyValues(flagged, timeZone)) {
      const counts = byDay.get(hour.date) ?? {};
      counts[field] = (counts[field] ?? 0) + 1;
      byDay.set(hour.date, counts);
    }
  }
  return byDay;
}

/** Appends a value to the list under `key`. */
function appendTo<T>(lists: Map<string, T[]>, key: string, value: T): void {
  const list = lists.get(key);
  if (list === undefined) lists.set(key, [value]);
  else list.push(value);
}

/** Hourly values split by local date, in date order. */
function byDate(hours: readonly HourlyValue[]): Map<string, HourlyValue[]> {
  const days = new Map<string, HourlyValue[]>();
  for (const hour of hours) appendTo(days, hour.date, hour);
  return days;
}
