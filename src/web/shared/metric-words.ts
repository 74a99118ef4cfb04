// Plain names for the metrics catalogue and the pod data each metric is computed from, for residents and councils.
import { getMetric, isMetricId, type MetricId, type Property } from '../../metrics/index.ts';

/** A short, plain name per metric id; typed over every id, so a new metric does not compile without one. */
const METRIC_NAMES: Readonly<Record<MetricId, string>> = {
  'damp.rh70.hours': 'Damp: hours with humidity at or above 70 %',
  'damp.rh80.hours': 'Damp: hours with humidity at or above 80 % (mould risk)',
  'damp.adf.daysFailed': 'Damp: days failing the building-regulations moisture test',
  'damp.dewpoint.mean': 'Damp: average indoor dew point',
  'damp.surfaceRh.mean': 'Damp: humidity at the coldest wall surface',
  'temperature.mean': 'Warmth: average indoor temperature',
  'temperature.daytime.mean': 'Warmth: average temperature from 7 am to 11 pm',
  'cold.below18.hours': 'Cold: hours below 18 °C',
  'cold.below16.share': 'Cold: share of hours below 16 °C',
  'overheating.night.above26.hours': 'Overheating: night hours above 26 °C in bedrooms',
  'overheating.tm59.exceeds': 'Overheating: bedrooms over the night-time heat limit',
  'co2.night.mean': 'Stuffy air: average carbon dioxide at night',
  'co2.night.band': 'Stuffy air: homes by carbon dioxide band at night',
  'co2.above1000.hours': 'Stuffy air: hours with carbon dioxide above 1000 ppm',
  'co2.above1500.hours': 'Stuffy air: hours with carbon dioxide above 1500 ppm',
  'pm25.days.above15': 'Air quality: days with fine particles above the WHO guideline',
  'energy.kwh.perDay': 'Energy: kWh used per day',
};

/** What each measured property is called in plain words. */
export const PROPERTY_NAMES: Readonly<Record<Property, string>> = {
  temperature: 'temperature',
  humidity: 'humidity',
  co2: 'carbon dioxide (CO2)',
  pm25: 'fine particles (PM2.5)',
  energy: 'energy use',
};

/** The unit each property's values are in, as shown on chart axes and in text. */
export const PROPERTY_UNITS: Readonly<Record<Property, string>> = {
  temperature: '°C',
  humidity: '%',
  co2: 'ppm',
  pm25: 'µg/m³',
  energy: 'kWh',
};

/** A property's value with its unit, one decimal at most. */
export function withUnit(value: number, property: Property): string {
  return `${value.toLocaleString('en-GB', { maximumFractionDigits: 1 })} ${PROPERTY_UNITS[property]}`;
}

/** The plain name of a metric; an id the page does not know is shown as it is. */
export function metricName(id: string): string {
  return isMetricId(id) ? METRIC_NAMES[id] : id;
}

/** The properties whose daily summaries a set of metrics is computed from, in catalogue order of first use. */
export function propertiesRead(metricIds: readonly string[]): Property[] {
  const properties = new Set<Property>();
  for (const id of metricIds) {
    if (isMetricId(id)) for (const property of getMetric(id).inputs) properties.add(property);
  }
  return [...properties];
}

/** "daily summaries of humidity and temperature" for a metric or a set of properties. */
export function summariesPhrase(properties: readonly Property[]): string {
  const names = properties.map((property) => PROPERTY_NAMES[property]);
  return `daily summaries of ${joinWords(names)}`;
}

/** Joins words as a sentence lists them: "a", "a and b", "a, b and c". */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The unit words a figure of the metric is shown with. */
const UNIT_SUFFIX: Readonly<Record<string, string>> = {
  h: ' h',
  days: ' days',
  degC: ' °C',
  percentRH: ' %',
  ppm: ' ppm',
  'kWh/day': ' kWh/day',
};

/** A figure of a metric for display: shares and flags as percentages, others rounded to one decimal with a unit. */
export function formatFigure(metricId: string, value: number | null): string {
  if (value === null) return '—';
  const unit = isMetricId(metricId) ? getMetric(metricId).unit : '';
  // A cohort mean of a 0/1 flag or of a share is a proportion of homes or hours: a percentage reads best.
  if (unit === 'share' || unit === 'flag') return `${(value * 100).toFixed(0)} %`;
  return `${value.toLocaleString('en-GB', { maximumFractionDigits: 1 })}${UNIT_SUFFIX[unit] ?? ''}`;
}

/** The unit a chart axis of the metric is labelled with. */
export function axisUnit(metricId: string): string {
  const unit = isMetricId(metricId) ? getMetric(metricId).unit : '';
  if (unit === 'share' || unit === 'flag') return '%';
  return (UNIT_SUFFIX[unit] ?? '').trim();
}
