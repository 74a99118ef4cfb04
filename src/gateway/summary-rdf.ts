// Writes a daily summary as a SOSA observation over a time:Interval (the local day), under IRIs derived from room and date.
import { DataFactory, type Quad } from 'n3';
import { addDays, localDayStart, localParts } from '../metrics/index.ts';
import { QUALITY_FIELDS, type DailySummary } from '../metrics/index.ts';
import { roomIri } from '../pod/index.ts';
import type { PodLayout } from '../pod/index.ts';
import {
  OBSERVABLE_PROPERTY,
  QUALITY_METRIC,
  SUMMARY_FIGURES,
  TERMS,
  type SummaryFigure,
} from '../vocab/index.ts';

const { namedNode, literal, quad } = DataFactory;
const { rdf, sosa, hd, xsd, time, dqv } = TERMS;

/** The monthly summaries document a summary belongs to: `summaries/<property>/YYYY-MM.ttl` by local date. */
export function summaryDocumentOf(layout: PodLayout, summary: DailySummary): string {
  return layout.summaryDocument(summary.property, summary.date.slice(0, 7));
}

/** Summaries grouped by the monthly document each belongs in, in the order they come. */
export function summariesByDocument(
  layout: PodLayout,
  summaries: readonly DailySummary[],
): Map<string, DailySummary[]> {
  const documents = new Map<string, DailySummary[]>();
  for (const summary of summaries) {
    const url = summaryDocumentOf(layout, summary);
    const members = documents.get(url);
    if (members) members.push(summary);
    else documents.set(url, [summary]);
  }
  return documents;
}

/** `2026-01-05T00:00:00Z` or `…+01:00`: the instant with the zone's offset there, as xsd:dateTimeStamp wants. */
export function localTimestamp(instant: Date, timeZone: string): string {
  const parts = localParts(instant, timeZone);
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const offsetMinutes = Math.round((wall - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
  const clock = new Date(wall).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${clock}Z`;
  const sign = offsetMinutes > 0 ? '+' : '-';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
  return `${clock}${sign}${hours}:${minutes}`;
}

/** A figure as its literal: whole numbers for xsd:integer counters, the plain number for xsd:double. */
function figureLiteral(value: number, datatype: (typeof SUMMARY_FIGURES)[SummaryFigure]['datatype']) {
  return literal(datatype.equals(xsd.integer) ? String(Math.round(value)) : String(value), datatype);
}

/**
 * The triples of one daily summary, with its flagged hours as dqv:QualityMeasurements. Every IRI is fixed by property, room and date (the interval and its
 * instants are shared by all rooms of the day), so writing the same summary twice adds nothing. No result
 * time: it would differ between two runs and break that.
 */
export function summaryQuads(summary: DailySummary, layout: PodLayout, timeZone: string): Quad[] {
  const document = summaryDocumentOf(layout, summary);
  const subject = namedNode(`${document}#${summary.room}-${summary.date}`);
  const nextDate = addDays(summary.date, 1);
  const room = namedNode(roomIri(layout, summary.room));
  const day = namedNode(`${document}#day-${summary.date}`);
  // The end of one day is the start of the next: one instant, one IRI.
  const start = namedNode(`${document}#${summary.date}-start`);
  const end = namedNode(`${document}#${nextDate}-start`);
  const quads = [
    quad(subject, rdf.type, sosa.Observation),
    quad(subject, rdf.type, hd.DailySummary),
    quad(subject, sosa.observedProperty, OBSERVABLE_PROPERTY[summary.property]),
    quad(subject, sosa.hasFeatureOfInterest, room),
    quad(subject, hd.room, room),
    quad(subject, hd.localDate, literal(summary.date, xsd.date)),
    quad(subject, sosa.phenomenonTime, day),
    quad(day, rdf.type, time.Interval),
    quad(day, time.hasBeginning, start),
    quad(day, time.hasEnd, end),
    quad(start, rdf.type, time.Instant),
    quad(
      start,
      time.inXSDDateTimeStamp,
      literal(localTimestamp(localDayStart(summary.date, timeZone), timeZone), xsd.dateTimeStamp),
    ),
    quad(end, rdf.type, time.Instant),
    quad(
      end,
      time.inXSDDateTimeStamp,
      literal(localTimestamp(localDayStart(nextDate, timeZone), timeZone), xsd.dateTimeStamp),
    ),
  ];
  for (const [field, term] of Object.entries(SUMMARY_FIGURES) as [
    SummaryFigure,
    (typeof SUMMARY_FIGURES)[SummaryFigure],
  ][]) {
    const value = summary[field];
    if (value !== undefined && Number.isFinite(value))
      quads.push(quad(subject, term.predicate, figureLiteral(value, term.datatype)));
  }
  // Hours flagged, one DQV measurement per reason that flagged any; named after the summary, so idempotent too.
  for (const field of QUALITY_FIELDS) {
    const hours = summary[field];
    if (hours === undefined || !(hours > 0)) continue;
    const measurement = namedNode(`${subject.value}-${field}`);
    quads.push(
      quad(subject, dqv.hasQualityMeasurement, measurement),
      quad(measurement, rdf.type, dqv.QualityMeasurement),
      quad(measurement, dqv.isMeasurementOf, QUALITY_METRIC[field]),
      quad(measurement, dqv.value, literal(String(Math.round(hours)), xsd.integer)),
      quad(measurement, dqv.computedOn, subject),
    );
  }
  return quads;
}
