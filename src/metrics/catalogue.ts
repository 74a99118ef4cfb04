// The metrics catalogue: stable ids councils ask for, each with unit, definition, source and its per-room formula.
import { NotFoundError, ValidationError } from '../errors.ts';
import { surfaceRelativeHumidity } from './psychrometrics.ts';
import {
  BEDROOM_PREFIX,
  CO2_GUIDE_PPM,
  CO2_POOR_PPM,
  CO2_WELL_VENTILATED_PPM,
  HHSRS_SERIOUS_COLD_C,
  MIN_COVERAGE,
  OUTDOOR_ROOM,
  TM59_MAX_NIGHT_SHARE,
  TM59_NIGHT_LIMIT_C,
  WHO_MIN_TEMPERATURE_C,
  WHO_PM25_24H_UG_M3,
} from './thresholds.ts';
import type { DailySummary, Property } from './types.ts';

/** Every metric id, stable API names. */
export const METRIC_IDS = [
  'damp.rh70.hours',
  'damp.rh80.hours',
  'damp.adf.daysFailed',
  'damp.dewpoint.mean',
  'damp.surfaceRh.mean',
  'temperature.mean',
  'temperature.daytime.mean',
  'cold.below18.hours',
  'cold.below16.share',
  'overheating.night.above26.hours',
  'overheating.tm59.exceeds',
  'co2.night.mean',
  'co2.night.band',
  'co2.above1000.hours',
  'co2.above1500.hours',
  'pm25.days.above15',
  'energy.kwh.perDay',
] as const;
export type MetricId = (typeof METRIC_IDS)[number];

/**
 * How room values make the home value. `worst-room`: the largest room value (hour and day counts, shares, flags:
 * the room a damp, cold or heat problem lives in). `room-mean`: the mean of the room values (each an hour-weighted
 * mean). `room-sum`: the sum (meters of one home add up).
 */
export type HomeRule = 'worst-room' | 'room-mean' | 'room-sum';

/** Which rooms a metric reads: all but `outdoor`, only bedrooms, or every room (meters). */
export type RoomScope = 'indoor' | 'bedrooms' | 'all';

/**
 * Bounds a home value is clamped to before differential-privacy noise, and the fixed-point scale the noisy sum
 * uses. With `perDay`, `upper` is per day and multiplies by the days of the period (25 hours covers a DST day).
 */
export interface DpBounds {
  readonly lower: number;
  readonly upper: number;
  readonly perDay: boolean;
  /** Values are multiplied by this and rounded to integers before noise: the released precision is 1/scale. */
  readonly scale: number;
}

/** The upper edge of a band; `inclusive`: a value equal to it is in the band. */
export interface BandEdge {
  value: number;
  inclusive: boolean;
}

/**
 * The bands a banded metric releases homes in: upper edges of every band but the last, ascending (a value lies in
 * the first band it is below, or at when the edge is inclusive, else in the last), and one label per band.
 */
export interface MetricBands {
  edges: readonly BandEdge[];
  labels: readonly string[];
}

/** A home's summaries in one period, looked up by property and room. */
export interface PeriodSummaries {
  of(property: Property, room: string): readonly DailySummary[];
}

/** One catalogue entry. */
export interface MetricDefinition {
  id: MetricId;
  /** Unit of the home value: `h`, `days`, `degC`, `percentRH`, `ppm`, `share` (0–1), `flag` (0 or 1), `kWh/day`. */
  unit: string;
  description: string;
  source: string;
  /** The summary container the metric is computed from; coverage is counted on it. */
  property: Property;
  /** Every summary container the metric reads (a consent must grant each). */
  inputs: readonly Property[];
  rooms: RoomScope;
  homeRule: HomeRule;
  /** Whether home values add up to a meaningful total (then a cohort gets the dominance check). */
  additive: boolean;
  dpBounds: DpBounds;
  /**
   * A banded metric's bands: its cells release how many homes fall in each band (a distribution), never a mean;
   * `dpBounds` then only clamp the home value before it is banded.
   */
  bands?: MetricBands;
  /** One room's value from its summaries of `property` in the period; null when they cannot give one. */
  roomValue(days: readonly DailySummary[], room: string, period: PeriodSummaries): number | null;
}

/** Sum of an optional numeric field over days. */
function total(days: readonly DailySummary[], field: keyof DailySummary): number {
  let sum = 0;
  for (const day of days) {
    const value = day[field];
    if (typeof value === 'number') sum += value;
  }
  return sum;
}

/** Mean of a daily mean weighted by its hours; null when no day has hours for it. */
function hourWeightedMean(
  days: readonly DailySummary[],
  meanField: keyof DailySummary,
  hoursField: keyof DailySummary,
): number | null {
  let weighted = 0;
  let hours = 0;
  for (const day of days) {
    const mean = day[meanField];
    const weight = day[hoursField];
    if (typeof mean === 'number' && typeof weight === 'number' && weight > 0) {
      weighted += mean * weight;
      hours += weight;
    }
  }
  return hours > 0 ? weighted / hours : null;
}

const HOURS_PER_DAY = { lower: 0, upper: 25, perDay: true, scale: 10 };
const NIGHT_HOURS_PER_DAY = { lower: 0, upper: 10, perDay: true, scale: 10 };
const DAYS = { lower: 0, upper: 1, perDay: true, scale: 10 };
const INDOOR_TEMPERATURE = { lower: 0, upper: 35, perDay: false, scale: 10 };
const FRACTION = { lower: 0, upper: 1, perDay: false, scale: 1000 };

/** How a metric of one property (its only input), not additive, is counted: in which rooms and by which home rule. */
function countedIn(
  property: MetricDefinition['property'],
  rooms: MetricDefinition['rooms'],
  homeRule: MetricDefinition['homeRule'],
) {
  return { property, inputs: [property], rooms, homeRule, additive: false } as const;
}

/** The catalogue, in the order of METRIC_IDS. */
export const METRICS: readonly MetricDefinition[] = [
  {
    id: 'damp.rh70.hours',
    unit: 'h',
    description:
      'Hours in the period whose hourly mean relative humidity was at or above 70 %, in the dampest room.',
    source: 'Approved Document F (2006) moisture criterion level; BS 5250:2021',
    ...countedIn('humidity', 'indoor', 'worst-room'),
    dpBounds: HOURS_PER_DAY,
    roomValue: (days) => total(days, 'hoursRh70'),
  },
  {
    id: 'damp.rh80.hours',
    unit: 'h',
    description:
      'Hours in the period whose hourly mean relative humidity was at or above 80 %, in the dampest room.',
    source: 'ISO 13788:2012 critical surface humidity for mould growth',
    ...countedIn('humidity', 'indoor', 'worst-room'),
    dpBounds: HOURS_PER_DAY,
    roomValue: (days) => total(days, 'hoursRh80'),
  },
  {
    id: 'damp.adf.daysFailed',
    unit: 'days',
    description:
      'Days failing the moisture test: RH above 70 % for more than 2 h, or above 90 % for more than 1 h, within ' +
      '12 consecutive hours; in the room with most such days.',
    source: 'Approved Document F (2006), moisture criterion for dwellings',
    ...countedIn('humidity', 'indoor', 'worst-room'),
    dpBounds: DAYS,
    roomValue: (days) => total(days, 'adfFailed'),
  },
  {
    id: 'damp.dewpoint.mean',
    unit: 'degC',
    description: 'Mean indoor dew point over hours with both humidity and temperature, averaged over rooms.',
    source: 'Magnus formula, Sonntag (1990) constants a = 17.62, b = 243.12 °C; Alduchov & Eskridge (1996)',
    ...countedIn('humidity', 'indoor', 'room-mean'),
    dpBounds: { lower: -10, upper: 25, perDay: false, scale: 10 },
    roomValue: (days) => hourWeightedMean(days, 'dewPointMean', 'dewPointHours'),
  },
  {
    id: 'damp.surfaceRh.mean',
    unit: 'percentRH',
    description:
      'Mean relative humidity at the coldest ordinary wall surface (fRsi 0.75) over the period, from the ' +
      "room's mean vapour pressure and temperature and the outdoor temperature; averaged over rooms. Needs an " +
      '`outdoor` temperature sensor; 80 % and above risks mould.',
    source: 'ISO 13788:2012 (surface humidity, monthly method); BRE IP 1/06 critical fRsi 0.75',
    property: 'humidity',
    inputs: ['humidity', 'temperature'],
    rooms: 'indoor',
    homeRule: 'room-mean',
    additive: false,
    dpBounds: { lower: 0, upper: 100, perDay: false, scale: 10 },
    roomValue: (days, room, period) => {
      const vapourPressure = hourWeightedMean(days, 'vapourPressureMean', 'dewPointHours');
      const indoor = hourWeightedMean(period.of('temperature', room), 'mean', 'validHours');
      const outdoor = hourWeightedMean(period.of('temperature', OUTDOOR_ROOM), 'mean', 'validHours');
      if (vapourPressure === null || indoor === null || outdoor === null) return null;
      return surfaceRelativeHumidity(indoor, outdoor, vapourPressure);
    },
  },
  {
    id: 'temperature.mean',
    unit: 'degC',
    description: 'Mean indoor air temperature over all valid hours, averaged over rooms.',
    source: 'Hourly means of the home sensors',
    ...countedIn('temperature', 'indoor', 'room-mean'),
    dpBounds: INDOOR_TEMPERATURE,
    roomValue: (days) => hourWeightedMean(days, 'mean', 'validHours'),
  },
  {
    id: 'temperature.daytime.mean',
    unit: 'degC',
    description: 'Mean indoor air temperature between 07:00 and 23:00 local time, averaged over rooms.',
    source: 'CIBSE TM59 (2017) occupied hours',
    ...countedIn('temperature', 'indoor', 'room-mean'),
    dpBounds: INDOOR_TEMPERATURE,
    roomValue: (days) => hourWeightedMean(days, 'daytimeMean', 'daytimeHours'),
  },
  {
    id: 'cold.below18.hours',
    unit: 'h',
    description: `Hours whose mean temperature was below ${WHO_MIN_TEMPERATURE_C} °C, in the coldest room.`,
    source: 'WHO Housing and health guidelines (2018): 18 °C minimum indoor temperature in cold seasons',
    ...countedIn('temperature', 'indoor', 'worst-room'),
    dpBounds: HOURS_PER_DAY,
    roomValue: (days) => total(days, 'hoursBelow18'),
  },
  {
    id: 'cold.below16.share',
    unit: 'share',
    description: `Share (0–1) of valid hours below ${HHSRS_SERIOUS_COLD_C} °C, in the room with the largest share.`,
    source: 'HHSRS Operating Guidance (2006), excess cold: serious risk below 16 °C',
    ...countedIn('temperature', 'indoor', 'worst-room'),
    dpBounds: FRACTION,
    roomValue: (days) => total(days, 'hoursBelow16') / total(days, 'validHours'),
  },
  {
    id: 'overheating.night.above26.hours',
    unit: 'h',
    description: `Night hours (22:00–07:00) above ${TM59_NIGHT_LIMIT_C} °C in the warmest bedroom.`,
    source: 'CIBSE TM59 (2017) criterion (b), bedrooms',
    ...countedIn('temperature', 'bedrooms', 'worst-room'),
    dpBounds: NIGHT_HOURS_PER_DAY,
    roomValue: (days) => total(days, 'nightHoursAbove26'),
  },
  {
    id: 'overheating.tm59.exceeds',
    unit: 'flag',
    description:
      `1 when some bedroom was above ${TM59_NIGHT_LIMIT_C} °C for more than ${TM59_MAX_NIGHT_SHARE * 100} % of ` +
      'its valid night hours (22:00–07:00), else 0; a cohort mean is the share of homes that fail.',
    source: 'CIBSE TM59 (2017) criterion (b), bedrooms',
    ...countedIn('temperature', 'bedrooms', 'worst-room'),
    dpBounds: FRACTION,
    roomValue: (days) => {
      const nightHours = total(days, 'nightHours');
      if (nightHours === 0) return null;
      return total(days, 'nightHoursAbove26') / nightHours > TM59_MAX_NIGHT_SHARE ? 1 : 0;
    },
  },
  {
    id: 'co2.night.mean',
    unit: 'ppm',
    description: 'Mean CO2 concentration between 22:00 and 07:00 local time, averaged over rooms.',
    source:
      'HSE (2021) and SAGE-EMG (2020) ventilation guidance: < 800 ppm well, > 1500 ppm poorly ventilated',
    ...countedIn('co2', 'indoor', 'room-mean'),
    dpBounds: { lower: 400, upper: 3000, perDay: false, scale: 1 },
    roomValue: (days) => hourWeightedMean(days, 'nightMean', 'nightHours'),
  },
  {
    id: 'co2.night.band',
    unit: 'band',
    description:
      "The band of the home's mean CO2 between 22:00 and 07:00 local time (averaged over rooms, as " +
      `co2.night.mean): below ${CO2_WELL_VENTILATED_PPM}, ${CO2_WELL_VENTILATED_PPM}–${CO2_GUIDE_PPM} inclusive, ` +
      `above ${CO2_GUIDE_PPM} to ${CO2_POOR_PPM} inclusive, above ${CO2_POOR_PPM} ppm; a cell releases homes per band.`,
    source:
      'HSE (2021) and SAGE-EMG (2020) ventilation guidance: < 800 ppm well, > 1500 ppm poorly ventilated; ' +
      'BB101 (2018): 1000 ppm',
    ...countedIn('co2', 'indoor', 'room-mean'),
    dpBounds: { lower: 400, upper: 3000, perDay: false, scale: 1 },
    bands: {
      edges: [
        { value: CO2_WELL_VENTILATED_PPM, inclusive: false },
        { value: CO2_GUIDE_PPM, inclusive: true },
        { value: CO2_POOR_PPM, inclusive: true },
      ],
      labels: ['below 800 ppm', '800–1000 ppm', '1000–1500 ppm', 'above 1500 ppm'],
    },
    roomValue: (days) => hourWeightedMean(days, 'nightMean', 'nightHours'),
  },
  {
    id: 'co2.above1000.hours',
    unit: 'h',
    description: `Hours whose mean CO2 was above ${CO2_GUIDE_PPM} ppm, in the worst room.`,
    source: 'BB101 (2018): 1000 ppm daily mean limit for new mechanically ventilated rooms',
    ...countedIn('co2', 'indoor', 'worst-room'),
    dpBounds: HOURS_PER_DAY,
    roomValue: (days) => total(days, 'hoursCo21000to1500') + total(days, 'hoursCo2Above1500'),
  },
  {
    id: 'co2.above1500.hours',
    unit: 'h',
    description: `Hours whose mean CO2 was above ${CO2_POOR_PPM} ppm, in the worst room.`,
    source: 'HSE "Ventilation in the workplace" (2021): above 1500 ppm a room is poorly ventilated',
    ...countedIn('co2', 'indoor', 'worst-room'),
    dpBounds: HOURS_PER_DAY,
    roomValue: (days) => total(days, 'hoursCo2Above1500'),
  },
  {
    id: 'pm25.days.above15',
    unit: 'days',
    description:
      `Days whose 24-hour mean PM2.5 was above ${WHO_PM25_24H_UG_M3} µg/m³, counting days with at least ` +
      `${MIN_COVERAGE * 100} % of hours measured; in the worst room.`,
    source: 'WHO Global air quality guidelines (2021): PM2.5 24-hour guideline 15 µg/m³',
    ...countedIn('pm25', 'indoor', 'worst-room'),
    dpBounds: DAYS,
    roomValue: (days) => {
      let exceeded = 0;
      for (const day of days) {
        if (day.validHours >= MIN_COVERAGE * day.hoursInDay && day.mean > WHO_PM25_24H_UG_M3) exceeded++;
      }
      return exceeded;
    },
  },
  {
    id: 'energy.kwh.perDay',
    unit: 'kWh/day',
    description: "Energy used per day: each meter's kWh over its days with readings, summed over meters.",
    source: 'Meter readings (kWh used since the previous reading)',
    property: 'energy',
    inputs: ['energy'],
    rooms: 'all',
    homeRule: 'room-sum',
    additive: true,
    dpBounds: { lower: 0, upper: 60, perDay: false, scale: 10 },
    roomValue: (days) => total(days, 'sum') / days.length,
  },
];

const byId = new Map<string, MetricDefinition>(METRICS.map((metric) => [metric.id, metric]));

/** Whether a string is a catalogue metric id. */
export function isMetricId(id: string): id is MetricId {
  return byId.has(id);
}

/** The catalogue entry of a metric id; throws NotFoundError for an unknown id. */
export function getMetric(id: string): MetricDefinition {
  const metric = byId.get(id);
  if (metric === undefined)
    throw new NotFoundError(`Unknown metric: ${id}`, { metric: id, known: METRIC_IDS });
  return metric;
}

/** Whether a room is in a metric's scope. */
/**
 * The metrics of a prio3 request that travel together as one vector report per period (Prio3SumVec, issue 16): its
 * sum (not banded) metrics when there are two or more, in catalogue order; none otherwise (one sum metric keeps its
 * Prio3Sum report, a banded one its Prio3Histogram). The gateway writes by this and the leader reads by it, so both
 * agree on which document holds which metric. Here, not in src/private-aggregation, so that a gateway that never
 * reports does not load Prio3 to know it.
 */
export function vectorMetrics(metricIds: readonly string[]): MetricId[] {
  const sums = METRIC_IDS.filter((id) => metricIds.includes(id) && getMetric(id).bands === undefined);
  return sums.length >= 2 ? sums : [];
}

export function inScope(scope: RoomScope, room: string): boolean {
  if (scope === 'all') return true;
  if (scope === 'bedrooms') return room.startsWith(BEDROOM_PREFIX);
  return room !== OUTDOOR_ROOM;
}

/** The clamp bounds of a metric's home values for a period of `days` days. */
export function dpBoundsFor(
  metric: MetricDefinition,
  days: number,
): { lower: number; upper: number; scale: number } {
  const { lower, upper, perDay, scale } = metric.dpBounds;
  return { lower, upper: perDay ? upper * days : upper, scale };
}

/** The band a home value falls in ("above" is strictly greater, as everywhere in docs/metrics.md). */
export function bandOf(bands: MetricBands, value: number): number {
  if (!Number.isFinite(value)) throw new ValidationError('A home value must be a finite number', { value });
  const index = bands.edges.findIndex(
    (edge) => value < edge.value || (edge.inclusive && value === edge.value),
  );
  return index === -1 ? bands.edges.length : index;
}

/** How many of `values` fall in each band, in band order. */
export function countBands(bands: MetricBands, values: readonly number[]): number[] {
  const counts = bands.labels.map(() => 0);
  for (const value of values) counts[bandOf(bands, value)]!++;
  return counts;
}
