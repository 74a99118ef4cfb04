// Several fixed-point metrics of one period as one Prio3SumVec measurement: per metric an inclusion bit and its value's bits.
import { ValidationError } from '../errors.ts';
import { METRIC_IDS, getMetric, type HomeValue, type MetricId, type Period } from '../metrics/index.ts';
import { sumEncodingFor, encodeHomeValue, type SumEncoding } from './sum-encoding.ts';

/** Where one metric sits in the vector: its inclusion bit at `countIndex`, its value's bits right after it. */
export interface VectorSlot {
  encoding: SumEncoding;
  /** Index of the inclusion bit c (1: the home counts for this metric, 0: it does not). */
  countIndex: number;
}

/**
 * How several sum metrics of one period travel together. The vector is Prio3SumVec with 1-bit entries: for each
 * metric (catalogue order) its inclusion bit c, then its encoded value (encodeHomeValue) least significant bit
 * first, in exactly the bit width its own Prio3Sum would use. The proof shows every entry is 0 or 1, so it bounds c
 * to {0, 1} and each value to [0, 2^bits) of its own metric: what one Prio3Sum report per metric proves, no more
 * and no less. (A SumVec with one shared width per entry would prove neither a c below 2 nor a narrower metric's
 * range.)
 */
export interface SumVectorEncoding {
  /** The metrics, in catalogue order (the only order: a report cannot reorder them). */
  metricIds: readonly MetricId[];
  /** Period label, e.g. `2026-01`. */
  period: string;
  slots: readonly VectorSlot[];
  /** Prio3SumVec `length`: Σ (1 + bits) over the metrics. */
  length: number;
  /** Prio3SumVec `chunk_length` (VDAF draft 08 §7.4.3: about √(length · bits)). */
  chunkLength: number;
  /** Prio3SumVec `bits`: always 1, see above. */
  bits: 1;
}

/** Whether an encoding is a vector's (the only one with slots). */
export function isSumVectorEncoding(encoding: object): encoding is SumVectorEncoding {
  return 'slots' in encoding;
}

/**
 * The vector encoding of `metricIds` over `period`: at least two distinct sum metrics (a banded one travels as its
 * Prio3Histogram), each with the same clamp bounds, scale and width as its own Prio3Sum (sumEncodingFor).
 */
export function sumVectorEncodingFor(metricIds: readonly string[], period: Period): SumVectorEncoding {
  const metrics = metricIds.map((id) => getMetric(id));
  const ids = new Set(metrics.map((metric) => metric.id));
  if (ids.size < 2 || ids.size !== metricIds.length) {
    throw new ValidationError('A vector report needs at least two distinct metrics', { metricIds });
  }
  const banded = metrics.find((metric) => metric.bands !== undefined);
  if (banded !== undefined) {
    throw new ValidationError('A banded metric travels as a Prio3 histogram, not in a vector', {
      metricId: banded.id,
    });
  }
  const ordered = METRIC_IDS.filter((id) => ids.has(id));
  const slots: VectorSlot[] = [];
  let length = 0;
  for (const id of ordered) {
    const encoding = sumEncodingFor(id, period);
    slots.push({ encoding, countIndex: length });
    length += 1 + encoding.bits;
  }
  return {
    metricIds: ordered,
    period: period.label,
    slots,
    length,
    chunkLength: Math.max(1, Math.round(Math.sqrt(length))),
    bits: 1,
  };
}

/**
 * The measurement a home sends: per metric, c = 1 and the bits of its encoded value when it counts for the metric
 * (src/metrics computeHomeValue), c = 0 and zeros when it does not, so a home left out of one metric's cell adds
 * nothing to that metric's sum or count. `values` are keyed by metric id; a metric without one is not included.
 */
export function encodeHomeVector(
  encoding: SumVectorEncoding,
  values: ReadonlyMap<string, Pick<HomeValue, 'included' | 'value'>>,
): number[] {
  const measurement = new Array<number>(encoding.length).fill(0);
  const counted = new Set(countedMetrics(encoding, values));
  for (const { encoding: metric, countIndex } of encoding.slots) {
    const home = values.get(metric.metricId);
    if (!counted.has(metric.metricId) || home?.value == null) continue;
    measurement[countIndex] = 1;
    const value = encodeHomeValue(metric, home.value);
    for (let bit = 0; bit < metric.bits; bit++) {
      measurement[countIndex + 1 + bit] = Number((value >> BigInt(bit)) & 1n);
    }
  }
  return measurement;
}

/** The vector's metrics a home counts for (c = 1): those with a value it is included with, in the vector's order. */
export function countedMetrics(
  encoding: SumVectorEncoding,
  values: ReadonlyMap<string, Pick<HomeValue, 'included' | 'value'>>,
): MetricId[] {
  return encoding.metricIds.filter((id) => {
    const home = values.get(id);
    return home !== undefined && home.included && home.value !== null;
  });
}
