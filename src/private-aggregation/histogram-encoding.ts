// A banded catalogue metric's home value as a Prio3Histogram measurement: the index of the band the value falls in.
import { ValidationError } from '../errors.ts';
import { getMetric, type BandEdge, type MetricId, type Period } from '../metrics/index.ts';

/** How one metric over one period travels as a band: one-hot over `labels.length` bands, proved one-hot. */
export interface HistogramEncoding {
  metricId: MetricId;
  /** Period label, e.g. `2026-01`. */
  period: string;
  /** The metric's band edges (catalogue `bands`). */
  edges: readonly BandEdge[];
  /** One label per band, for results. */
  labels: readonly string[];
  /** Prio3Histogram's chunk length (VDAF draft 08 §7.4.4: about √length). */
  chunkLength: number;
}

/** Whether an encoding is a histogram's (a sum's has no bands). */
export function isHistogramEncoding(encoding: object): encoding is HistogramEncoding {
  return 'edges' in encoding;
}

/** The histogram encoding of `metricId` over `period`; a ValidationError for a metric without bands. */
export function histogramEncodingFor(metricId: string, period: Period): HistogramEncoding {
  const metric = getMetric(metricId);
  if (metric.bands === undefined) {
    throw new ValidationError('This metric has no bands for a Prio3 histogram', { metricId: metric.id });
  }
  const length = metric.bands.labels.length;
  return {
    metricId: metric.id,
    period: period.label,
    edges: metric.bands.edges,
    labels: metric.bands.labels,
    chunkLength: Math.max(1, Math.round(Math.sqrt(length))),
  };
}
