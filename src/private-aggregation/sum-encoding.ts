// A catalogue metric's home value as a Prio3Sum measurement: clamped, shifted to 0 and put on its fixed-point grid.
import { ValidationError } from '../errors.ts';
import { dpBoundsFor, getMetric, periodDays, type MetricId, type Period } from '../metrics/index.ts';

/** How one metric over one period travels as an integer: `(clamp(value) − lower) · scale`, in `bits` bits. */
export interface SumEncoding {
  metricId: MetricId;
  /** Period label, e.g. `2026-01`. */
  period: string;
  lower: number;
  upper: number;
  /** The released precision is 1/scale (the metric's DP scale, so both modes round alike). */
  scale: number;
  /** Prio3Sum bit width: the smallest that holds `(upper − lower) · scale`. */
  bits: number;
}

/**
 * The encoding of `metricId` over `period`: the metric's clamp bounds (per-day bounds times the period's days),
 * the same bounds and scale the plain mode's DP release uses (dpBoundsFor), so a home cannot claim more than
 * the plain mode would let it count for.
 */
export function sumEncodingFor(metricId: string, period: Period): SumEncoding {
  const metric = getMetric(metricId);
  const { lower, upper, scale } = dpBoundsFor(metric, periodDays(period).length);
  const largest = Math.round((upper - lower) * scale);
  const bits = Math.max(1, Math.ceil(Math.log2(largest + 1)));
  return { metricId: metric.id, period: period.label, lower, upper, scale, bits };
}

/** The measurement a home sends: its value clamped to the bounds, minus `lower`, times `scale`, rounded. */
export function encodeHomeValue(encoding: SumEncoding, value: number): bigint {
  if (!Number.isFinite(value)) throw new ValidationError('A home value must be a finite number', { value });
  const clamped = Math.min(encoding.upper, Math.max(encoding.lower, value));
  return BigInt(Math.round((clamped - encoding.lower) * encoding.scale));
}

/** The largest measurement a valid report can carry; the validity proof refuses anything at or above 2^bits. */
export function largestMeasurement(encoding: SumEncoding): bigint {
  return BigInt(Math.round((encoding.upper - encoding.lower) * encoding.scale));
}
