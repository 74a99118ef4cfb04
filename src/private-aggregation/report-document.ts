// The one reader and writer of a Prio3 report's pod document (hd:Prio3Report): metadata and sealed shares, no value.
import { Buffer } from 'node:buffer';
import { DataFactory, type Quad, type Store } from 'n3';
import { ValidationError } from '../errors.ts';
import { isMetricId, parsePeriod, type MetricId } from '../metrics/index.ts';
import { HD_METRIC, TERMS } from '../vocab/index.ts';
import { isMetricReport, type Prio3Report, type Prio3Task } from './client-report.ts';
import { isHistogramEncoding } from './histogram-encoding.ts';
import { reportEncodingFor, type Prio3Encoding, type Prio3ReportEncoding } from './prio3-sum.ts';
import { isSumVectorEncoding } from './sum-vector-encoding.ts';

const { namedNode, literal, quad } = DataFactory;
const { rdf, hd, xsd, sdmxDimension } = TERMS;

/** A report as read from a pod: the report and the aggregator ids its shares name, leader first. */
export interface StoredReport<E extends Prio3ReportEncoding = Prio3Encoding> {
  report: Prio3Report<E>;
  aggregatorIds: readonly [string, string];
}

const base64 = (bytes: Uint8Array) => literal(Buffer.from(bytes).toString('base64'), xsd.base64Binary);

/** Every VDAF parameter a report may state; a report states exactly those of its encoding (parametersOf). */
const PARAMETERS = [hd.bitWidth, hd.histogramLength, hd.vectorLength, hd.chunkLength] as const;

/**
 * The VDAF parameters of an encoding, as a report states them (VDAF draft 08's names): a Prio3Sum's bit width, a
 * Prio3Histogram's length and chunk length, a Prio3SumVec's length, chunk length and bit width. The aggregators
 * check them against the catalogue's (readReport).
 */
function parametersOf(encoding: Prio3ReportEncoding): Map<(typeof PARAMETERS)[number], number> {
  if (isSumVectorEncoding(encoding)) {
    return new Map([
      [hd.vectorLength, encoding.length],
      [hd.chunkLength, encoding.chunkLength],
      [hd.bitWidth, encoding.bits],
    ]);
  }
  return isHistogramEncoding(encoding)
    ? new Map([
        [hd.histogramLength, encoding.labels.length],
        [hd.chunkLength, encoding.chunkLength],
      ])
    : new Map([[hd.bitWidth, encoding.bits]]);
}

/**
 * The triples of `report` in the document at `documentUrl`: the report at `#report`, shares at `#share-0/1`. A
 * vector names each of its metrics with hd:metric; their order is the catalogue's (sumVectorEncodingFor), so it is
 * not written and cannot be changed.
 */
export function reportQuads(
  report: Prio3Report<Prio3ReportEncoding>,
  task: Prio3Task,
  documentUrl: string,
): Quad[] {
  const subject = namedNode(`${documentUrl}#report`);
  const { encoding } = report;
  const metricIds = isSumVectorEncoding(encoding) ? encoding.metricIds : [encoding.metricId];
  const quads = [
    quad(subject, rdf.type, hd.Prio3Report),
    quad(subject, hd.taskId, literal(report.taskId)),
    quad(subject, hd.reportId, literal(Buffer.from(report.reportId).toString('hex'), xsd.hexBinary)),
    ...metricIds.map((metricId) => quad(subject, hd.metric, namedNode(HD_METRIC(metricId)))),
    ...(report.countsFor ?? []).map((metricId) =>
      quad(subject, hd.countsFor, namedNode(HD_METRIC(metricId))),
    ),
    quad(subject, sdmxDimension.refPeriod, literal(report.encoding.period)),
    ...[...parametersOf(report.encoding)].map(([predicate, value]) =>
      quad(subject, predicate, literal(String(value), xsd.integer)),
    ),
    quad(subject, hd.publicShare, base64(report.publicShare)),
  ];
  report.shares.forEach((sealed, index) => {
    const share = namedNode(`${documentUrl}#share-${index}`);
    quads.push(
      quad(subject, hd.inputShare, share),
      quad(share, rdf.type, hd.SealedInputShare),
      quad(share, hd.aggregator, namedNode(task.aggregators[index as 0 | 1].id)),
      quad(share, hd.aggregatorIndex, literal(String(index), xsd.integer)),
      quad(share, hd.encapsulatedKey, base64(sealed.enc)),
      quad(share, hd.ciphertext, base64(sealed.ciphertext)),
    );
  });
  return quads;
}

/** The one object of (subject, predicate), or a ValidationError naming what is missing. */
function one(store: Store, subject: Quad['subject'], predicate: Quad['predicate'], what: string) {
  const found = store.getObjects(subject, predicate, null);
  if (found.length !== 1)
    throw new ValidationError(`A report needs exactly one ${what}`, { found: found.length });
  return found[0]!;
}

/** The catalogue metrics `subject` names with `predicate` (hd:metric, hd:countsFor); an unknown one is refused. */
function metricIdsOf(store: Store, subject: Quad['subject'], predicate: Quad['predicate']): MetricId[] {
  return store.getObjects(subject, predicate, null).map((term) => {
    const metricId = term.value.startsWith(HD_METRIC.base) ? term.value.slice(HD_METRIC.base.length) : '';
    if (!isMetricId(metricId))
      throw new ValidationError('A report names an unknown metric', { metricIri: term.value });
    return metricId;
  });
}

/**
 * The report in `store` (the document at `documentUrl`), checked: catalogue metrics, a period label, and VDAF
 * parameters equal to the catalogue's encoding for them over that period: one metric's (prio3EncodingFor: a sum's
 * bit width, a histogram's length and chunk length), or for two or more sum metrics a vector's (sumVectorEncodingFor:
 * length, chunk length, bit width 1), and none of another kind's. A report claiming a wider range, other bands or
 * another vector layout is refused here, before any aggregator prepares it. A vector's hd:countsFor (the metrics the
 * home counts for) must name only its own metrics; a one-metric report states none (its existence is its count).
 */
export function readReportDocument(store: Store, documentUrl: string): StoredReport<Prio3ReportEncoding> {
  const subject = namedNode(`${documentUrl}#report`);
  if (!store.has(quad(subject, rdf.type, hd.Prio3Report))) {
    throw new ValidationError('The document holds no Prio3 report', { documentUrl });
  }
  const metricIds = metricIdsOf(store, subject, hd.metric);
  if (metricIds.length === 0) throw new ValidationError('A report needs at least one metric');
  const period = parsePeriod(one(store, subject, sdmxDimension.refPeriod, 'period').value);
  const encoding = reportEncodingFor(metricIds, period);
  const countsFor = metricIdsOf(store, subject, hd.countsFor);
  const vector = isSumVectorEncoding(encoding);
  if (countsFor.some((metricId) => !vector || !encoding.metricIds.includes(metricId))) {
    throw new ValidationError('A report counts for a metric it is not a vector of', { metricIds, countsFor });
  }
  const expected = parametersOf(encoding);
  for (const predicate of PARAMETERS) {
    const stated = store.getObjects(subject, predicate, null).map((term) => term.value);
    const value = expected.get(predicate);
    if (value === undefined ? stated.length > 0 : stated.length !== 1 || stated[0] !== String(value)) {
      throw new ValidationError('A report’s VDAF parameters do not match its metrics and period', {
        metricIds,
        parameter: predicate.value,
        stated,
      });
    }
  }
  const reportIdHex = one(store, subject, hd.reportId, 'report id').value;
  if (!/^[0-9a-fA-F]{32}$/.test(reportIdHex))
    throw new ValidationError('A report id must be 16 bytes of hex');
  const shares: { index: number; aggregator: string; enc: Uint8Array; ciphertext: Uint8Array }[] = [];
  for (const share of store.getObjects(subject, hd.inputShare, null)) {
    shares.push({
      index: Number(one(store, share as Quad['subject'], hd.aggregatorIndex, 'aggregator index').value),
      aggregator: one(store, share as Quad['subject'], hd.aggregator, 'aggregator').value,
      enc: Buffer.from(
        one(store, share as Quad['subject'], hd.encapsulatedKey, 'encapsulated key').value,
        'base64',
      ),
      ciphertext: Buffer.from(
        one(store, share as Quad['subject'], hd.ciphertext, 'ciphertext').value,
        'base64',
      ),
    });
  }
  shares.sort((a, b) => a.index - b.index);
  if (shares.length !== 2 || shares[0]!.index !== 0 || shares[1]!.index !== 1) {
    throw new ValidationError(
      'A report needs one sealed share for the leader (0) and one for the helper (1)',
    );
  }
  const [leader, helper] = shares as [(typeof shares)[0], (typeof shares)[0]];
  return {
    report: {
      taskId: one(store, subject, hd.taskId, 'task id').value,
      reportId: Buffer.from(reportIdHex, 'hex'),
      encoding,
      publicShare: Buffer.from(one(store, subject, hd.publicShare, 'public share').value, 'base64'),
      shares: [
        { enc: leader.enc, ciphertext: leader.ciphertext },
        { enc: helper.enc, ciphertext: helper.ciphertext },
      ],
      ...(vector ? { countsFor: encoding.metricIds.filter((id) => countsFor.includes(id)) } : {}),
    },
    aggregatorIds: [leader.aggregator, helper.aggregator],
  };
}

/** The one-metric report in `store` (readReportDocument); a vector report is refused where one metric's is read. */
export function readReport(store: Store, documentUrl: string): StoredReport {
  const { report, aggregatorIds } = readReportDocument(store, documentUrl);
  if (!isMetricReport(report)) {
    throw new ValidationError('The document holds a vector report, not one metric’s', { documentUrl });
  }
  return { report, aggregatorIds };
}
