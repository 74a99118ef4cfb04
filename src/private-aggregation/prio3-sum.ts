// The VDAF both aggregators and every home agree on for a metric: Prio3Sum at the encoding's width, or
// Prio3Histogram over its bands; for several sum metrics together, Prio3SumVec. Always with two shares.
import { Prio3Histogram, Prio3Sum, Prio3SumVec } from '@divviup/prio3';
import { getMetric, type Period } from '../metrics/index.ts';
import { histogramEncodingFor, isHistogramEncoding, type HistogramEncoding } from './histogram-encoding.ts';
import { sumEncodingFor, type SumEncoding } from './sum-encoding.ts';
import { isSumVectorEncoding, sumVectorEncodingFor, type SumVectorEncoding } from './sum-vector-encoding.ts';

/** Aggregator 0 is the leader (the broker), 1 the helper, as in DAP. */
export const LEADER = 0;
export const HELPER = 1;
export type AggregatorId = typeof LEADER | typeof HELPER;

/** How a metric over a period travels: a clamped fixed-point sum, or a band. */
export type Prio3Encoding = SumEncoding | HistogramEncoding;

/** What a report carries: one metric's encoding, or several sum metrics' as one vector. */
export type Prio3ReportEncoding = Prio3Encoding | SumVectorEncoding;

/** The VDAFs in use; they differ only in their measurement and aggregate result. */
export type Prio3Vdaf = Prio3Sum | Prio3Histogram | Prio3SumVec;

/**
 * How `metricId` over `period` travels: a banded metric (catalogue `bands`) as the index of its band, any other as
 * a clamped fixed-point sum. Homes, both aggregators and the report reader all derive it from the catalogue here,
 * so none takes it from a report.
 */
export function prio3EncodingFor(metricId: string, period: Period): Prio3Encoding {
  return getMetric(metricId).bands === undefined
    ? sumEncodingFor(metricId, period)
    : histogramEncodingFor(metricId, period);
}

/** The Prio3Sum instance for an encoding: two aggregators, `bits` wide. */
export function prio3SumFor(encoding: Pick<SumEncoding, 'bits'>): Prio3Sum {
  return new Prio3Sum({ shares: 2, bits: encoding.bits });
}

/** The Prio3Histogram instance for a banded encoding: two aggregators, one entry per band. */
export function prio3HistogramFor(
  encoding: Pick<HistogramEncoding, 'labels' | 'chunkLength'>,
): Prio3Histogram {
  return new Prio3Histogram({ shares: 2, length: encoding.labels.length, chunkLength: encoding.chunkLength });
}

/** The Prio3SumVec instance for a vector encoding: two aggregators, 1-bit entries (sum-vector-encoding.ts). */
export function prio3SumVecFor(
  encoding: Pick<SumVectorEncoding, 'length' | 'chunkLength' | 'bits'>,
): Prio3SumVec {
  return new Prio3SumVec({
    shares: 2,
    length: encoding.length,
    chunkLength: encoding.chunkLength,
    bits: encoding.bits,
  });
}

/** The VDAF of an encoding (the one type dispatch: every step below calls this). */
export function vdafFor(encoding: Prio3ReportEncoding): Prio3Vdaf {
  if (isSumVectorEncoding(encoding)) return prio3SumVecFor(encoding);
  return isHistogramEncoding(encoding) ? prio3HistogramFor(encoding) : prio3SumFor(encoding);
}

/**
 * What tells two encodings of one period apart on the wire: the bit width of a sum (`13`), the band count of a
 * histogram (`h4`), a vector's length and chunk length (`v30c5`). Sealed into every share's associated data and
 * checked before preparation.
 */
export function encodingWidth(encoding: Prio3ReportEncoding): string {
  if (isSumVectorEncoding(encoding)) return `v${encoding.length}c${encoding.chunkLength}`;
  return isHistogramEncoding(encoding) ? `h${encoding.labels.length}` : String(encoding.bits);
}

/** The metrics a report is about, as its associated data and the aggregators' checks name them: ids joined by `,`. */
export function encodingMetrics(encoding: Prio3ReportEncoding): string {
  return isSumVectorEncoding(encoding) ? encoding.metricIds.join(',') : encoding.metricId;
}

/**
 * The encoding of a report about `metricIds` over `period`: one metric's (prio3EncodingFor), or for two or more sum
 * metrics a vector's (sumVectorEncodingFor). What a report document or an aggregation job names is read back here.
 */
export function reportEncodingFor(metricIds: readonly string[], period: Period): Prio3ReportEncoding {
  return metricIds.length === 1
    ? prio3EncodingFor(metricIds[0]!, period)
    : sumVectorEncodingFor(metricIds, period);
}
