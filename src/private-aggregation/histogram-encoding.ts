// A banded catalogue metric's home value as a Prio3Histogram measurement: the index of the band the value falls in.
import { ValidationError } from '../errors.ts';
import { getMetric, type MetricId, type Period } from '../metrics/index.ts';

/** The upper edge of a band; `inclusive`: a value equal to it is in the band. */
export interface BandEdge {
  value: number;
  inclusive: boolean;
}

/** How one metric over one period travels as a band: one-hot over `labels.length` bands, proved one-hot. */
export interface HistogramEncoding {
  metricId: MetricId;
  /** Period label, e.g. `2026-01`. */
  period: string;
  /**
   * Upper edges of every band but the last, ascending: a value lies in the first band it is below (or at, when the
   * edge is inclusive), or in the last band when it is above them all.
   */
  edges: readonly BandEdge[];
  /** One label per band, for results. */
  labels: readonly string[];
  /** Prio3Histogram's chunk length (VDAF draft 08 §7.4.4: about √length). */
  chunkLength: number;
}

/**
 * The bands of the metrics that have them. CO2 at night in the bands of docs/metrics.md: below 800, 800–1000
 * inclusive, above 1000 to 1500 inclusive, above 1500 ppm ("above" is strictly greater, as everywhere).
 */
const BANDS: Partial<Record<MetricId, { edges: readonly BandEdge[]; labels: readonly string[] }>> = {
  'co2.night.mean': {
    edges: [
      { value: 800, inclusive: false },
      { value: 1000, inclusive: true },
      { value: 1500, inclusive: true },
    ],
    labels: ['below 800 ppm', '800–1000 ppm', '1000–1500 ppm', 'above 1500 ppm'],
  },
};

/** Whether an encoding is a histogram's (a sum's has no bands). */
export function isHistogramEncoding(encoding: object): encoding is HistogramEncoding {
  return 'edges' in encoding;
}

/** The histogram encoding of `metricId` over `period`; a ValidationError for a metric without bands. */
export function histogramEncodingFor(metricId: string, period: Period): HistogramEncoding {
  const metric = getMetric(metricId);
  const bands = BANDS[metric.id];
  if (bands === undefined) {
    throw new ValidationError('This metric has no bands for a Prio3 histogram', { metricId: metric.id });
  }
  const length = bands.labels.length;
  return {
    metricId: metric.id,
    period: period.label,
    edges: bands.edges,
    labels: bands.labels,
    chunkLength: Math.max(1, Math.round(Math.sqrt(length))),
  };
}

/** The band a home's value falls in: the measurement a home sends. */
export function bandOf(encoding: HistogramEncoding, value: number): number {
  if (!Number.isFinite(value)) throw new ValidationError('A home value must be a finite number', { value });
  const index = encoding.edges.findIndex(
    (edge) => value < edge.value || (edge.inclusive && value === edge.value),
  );
  return index === -1 ? encoding.edges.length : index;
}
