// Metrics: pure computation from readings to hourly values, daily summaries and per-home values of catalogue metrics.
// May import only its own files, src/errors.ts and node built-ins: no I/O, no clock (callers pass `now`), no randomness.
export * from './types.ts';
export * from './thresholds.ts';
export {
  localParts,
  localDayStart,
  hoursInLocalDay,
  addDays,
  daysOfMonth,
  daysOfIsoWeek,
  isoWeekOf,
} from './local-time.ts';
export { assertTimeZone, assertCalendarDate, type LocalParts } from './local-time.ts';
export {
  parsePeriod,
  periodDays,
  periodHours,
  periodOf,
  periodsCovering,
  countPeriodsCovering,
  type Period,
  type Granularity,
} from './period.ts';
export { hourlyValues, type HourlyValue } from './hourly-means.ts';
export {
  saturationVapourPressure,
  vapourPressure,
  dewPoint,
  surfaceRelativeHumidity,
} from './psychrometrics.ts';
export { summariseDay, summariseReadings, isDaytimeHour, isNightHour } from './daily-summary.ts';
export type { DayInput, SummariseOptions } from './daily-summary.ts';
export {
  METRIC_IDS,
  METRICS,
  getMetric,
  isMetricId,
  inScope,
  dpBoundsFor,
  bandOf,
  countBands,
  vectorMetrics,
} from './catalogue.ts';
export type {
  MetricId,
  MetricDefinition,
  HomeRule,
  RoomScope,
  DpBounds,
  PeriodSummaries,
  BandEdge,
  MetricBands,
} from './catalogue.ts';
export { computeHomeValue, type HomeValue, type LeftOutReason } from './home-value.ts';
export {
  markStuckReadings,
  STUCK_LIMIT_HOURS,
  SENSOR_RESOLUTION,
  type SensorRun,
  type StuckMarking,
} from './stuck-sensors.ts';
