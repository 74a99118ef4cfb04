// The one reader and writer of a Prio3 report's pod document (hd:Prio3Report): metadata and sealed shares, no value.
import { Buffer } from 'node:buffer';
import { DataFactory, type Quad, type Store } from 'n3';
import { ValidationError } from '../errors.ts';
import { isMetricId, parsePeriod } from '../metrics/index.ts';
import { HD_METRIC, TERMS } from '../vocab/index.ts';
import type { Prio3Report, Prio3Task } from './client-report.ts';
import { isHistogramEncoding } from './histogram-encoding.ts';
import { prio3EncodingFor, type Prio3Encoding } from './prio3-sum.ts';

const { namedNode, literal, quad } = DataFactory;
const { rdf, hd, xsd, sdmxDimension } = TERMS;

/** A report as read from a pod: the report and the aggregator ids its shares name, leader first. */
export interface StoredReport {
  report: Prio3Report;
  aggregatorIds: readonly [string, string];
}

const base64 = (bytes: Uint8Array) => literal(Buffer.from(bytes).toString('base64'), xsd.base64Binary);

/** Every VDAF parameter a report may state; a report states exactly those of its encoding (parametersOf). */
const PARAMETERS = [hd.bitWidth, hd.histogramLength, hd.chunkLength] as const;

/**
 * The VDAF parameters of an encoding, as a report states them (VDAF draft 08's names): a Prio3Sum's bit width, a
 * Prio3Histogram's length and chunk length. The aggregators check them against the catalogue's (readReport).
 */
function parametersOf(encoding: Prio3Encoding): Map<(typeof PARAMETERS)[number], number> {
  return isHistogramEncoding(encoding)
    ? new Map([
        [hd.histogramLength, encoding.labels.length],
        [hd.chunkLength, encoding.chunkLength],
      ])
    : new Map([[hd.bitWidth, encoding.bits]]);
}

/** The triples of `report` in the document at `documentUrl`: the report at `#report`, shares at `#share-0/1`. */
export function reportQuads(report: Prio3Report, task: Prio3Task, documentUrl: string): Quad[] {
  const subject = namedNode(`${documentUrl}#report`);
  const quads = [
    quad(subject, rdf.type, hd.Prio3Report),
    quad(subject, hd.taskId, literal(report.taskId)),
    quad(subject, hd.reportId, literal(Buffer.from(report.reportId).toString('hex'), xsd.hexBinary)),
    quad(subject, hd.metric, namedNode(HD_METRIC(report.encoding.metricId))),
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

/**
 * The report in `store` (the document at `documentUrl`), checked: a catalogue metric, a period label, and VDAF
 * parameters equal to the metric's encoding for that period (prio3EncodingFor): a sum's bit width, a histogram's
 * length and chunk length, and none of the other kind's. A report claiming a wider range or other bands is refused
 * here, before any aggregator prepares it.
 */
export function readReport(store: Store, documentUrl: string): StoredReport {
  const subject = namedNode(`${documentUrl}#report`);
  if (!store.has(quad(subject, rdf.type, hd.Prio3Report))) {
    throw new ValidationError('The document holds no Prio3 report', { documentUrl });
  }
  const metricIri = one(store, subject, hd.metric, 'metric').value;
  const metricId = metricIri.startsWith(HD_METRIC.base) ? metricIri.slice(HD_METRIC.base.length) : '';
  if (!isMetricId(metricId)) throw new ValidationError('A report names an unknown metric', { metricIri });
  const encoding = prio3EncodingFor(
    metricId,
    parsePeriod(one(store, subject, sdmxDimension.refPeriod, 'period').value),
  );
  const expected = parametersOf(encoding);
  for (const predicate of PARAMETERS) {
    const stated = store.getObjects(subject, predicate, null).map((term) => term.value);
    const value = expected.get(predicate);
    if (value === undefined ? stated.length > 0 : stated.length !== 1 || stated[0] !== String(value)) {
      throw new ValidationError('A report’s VDAF parameters do not match its metric and period', {
        metricId,
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
    },
    aggregatorIds: [leader.aggregator, helper.aggregator],
  };
}
