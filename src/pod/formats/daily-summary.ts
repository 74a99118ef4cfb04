// The daily summaries document (`summaries/<property>/YYYY-MM.ttl`): one SOSA observation per room and local day
// over a time:Interval, written by the gateway and read by the broker (streamed) and the resident page, here only.
// Pure and browser-safe: summaries in, quads out, and back one quad at a time.
import { DataFactory, type Quad, type Term } from 'n3';
import {
  addDays,
  localDayStart,
  localParts,
  QUALITY_FIELDS,
  type DailySummary,
  type Property,
  type QualityField,
} from '../../metrics/index.ts';
import {
  OBSERVABLE_PROPERTY,
  propertyOfIri,
  QUALITY_METRIC,
  SUMMARY_FIGURES,
  TERMS,
  type SummaryFigure,
} from '../../vocab/browser.ts';
import type { PodLayout } from '../pod-layout.ts';
import { DocumentFormatError } from './document-format-error.ts';
import { roomIri } from './home-profile.ts';

const { namedNode, literal, quad } = DataFactory;
const { rdf, sosa, hd, xsd, time, dqv } = TERMS;

/** The calendar dates to keep, `YYYY-MM-DD`, inclusive; summaries of other days are dropped as they arrive. */
export interface DateRange {
  from: string;
  to: string;
}

/** What a document gave: its complete summaries, and how many summary nodes were incomplete or malformed. */
export interface SummaryDocument {
  summaries: DailySummary[];
  skipped: number;
}

/** The format's name in errors. */
const FORMAT = 'daily summary';

/** A local calendar date, `YYYY-MM-DD`: what names a summary and the month document it goes in. */
const LOCAL_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

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
 * The triples of one daily summary, with its flagged hours as dqv:QualityMeasurements. Every IRI is fixed by
 * property, room and date (the interval and its instants are shared by all rooms of the day), so writing the same
 * summary twice adds nothing. No result time: it would differ between two runs and break that. A summary
 * without a local date or a room is refused with a DocumentFormatError.
 */
export function summaryQuads(summary: DailySummary, layout: PodLayout, timeZone: string): Quad[] {
  // Both name the summary's IRIs and its month document: a summary without them could not be read back.
  const problems: string[] = [];
  if (!LOCAL_DATE_PATTERN.test(summary.date)) problems.push('its date is not a local date YYYY-MM-DD');
  if (summary.room === '') problems.push('it names no room');
  if (problems.length > 0) throw new DocumentFormatError(FORMAT, problems);
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

/** The figures every DailySummary has; a node without one of them is skipped. */
const REQUIRED_FIGURES: readonly SummaryFigure[] = [
  'hoursInDay',
  'validHours',
  'count',
  'mean',
  'min',
  'max',
];

/** Figure field by predicate IRI: the reverse of SUMMARY_FIGURES. */
const FIGURE_BY_PREDICATE: ReadonlyMap<string, SummaryFigure> = new Map(
  (Object.entries(SUMMARY_FIGURES) as [SummaryFigure, (typeof SUMMARY_FIGURES)[SummaryFigure]][]).map(
    ([field, term]) => [term.predicate.value, field],
  ),
);

/** Quality field by the IRI of the dqv:Metric a measurement is of: the reverse of QUALITY_METRIC. */
const QUALITY_BY_METRIC: ReadonlyMap<string, QualityField> = new Map(
  (Object.entries(QUALITY_METRIC) as [QualityField, (typeof QUALITY_METRIC)[QualityField]][]).map(
    ([field, metric]) => [metric.value, field],
  ),
);

const RDF_TYPE = rdf.type.value;
const HAS_QUALITY_MEASUREMENT = dqv.hasQualityMeasurement.value;
const IS_MEASUREMENT_OF = dqv.isMeasurementOf.value;
const DQV_VALUE = dqv.value.value;
const DAILY_SUMMARY = hd.DailySummary.value;
const OBSERVED_PROPERTY = sosa.observedProperty.value;
const FEATURE_OF_INTEREST = sosa.hasFeatureOfInterest.value;
const ROOM = hd.room.value;
const LOCAL_DATE = hd.localDate.value;

/** Rooms are features of interest named `<home profile>#room-<slug>` (roomIri in ./home-profile.ts). */
const ROOM_FRAGMENT = '#room-';

/** What has arrived so far about one summary node; quads of a node may come in any order. */
interface PartialSummary {
  typed: boolean;
  property?: Property;
  /** The room slug from hd:room (a literal, or a room IRI as the gateway writes it). */
  room?: string;
  /** The room slug from sosa:hasFeatureOfInterest, used when hd:room is absent. */
  featureRoom?: string;
  date?: string;
  figures: Partial<Record<SummaryFigure, number>>;
  /** IRIs of its dqv:QualityMeasurements (hours flagged), resolved when the document ends. */
  measurements: string[];
  quality: Partial<Record<QualityField, number>>;
  malformed: boolean;
}

/** One dqv:QualityMeasurement as far as it has arrived. */
interface PartialMeasurement {
  field?: QualityField;
  value?: number;
}

/** The room slug a term names: a literal slug, or the `room-<slug>` fragment of a room IRI. */
function roomSlug(term: Term): string | undefined {
  if (term.termType === 'Literal') return term.value;
  if (term.termType !== 'NamedNode') return undefined;
  const at = term.value.lastIndexOf(ROOM_FRAGMENT);
  return at < 0 ? undefined : decodeURIComponent(term.value.slice(at + ROOM_FRAGMENT.length));
}

/** The value in `map` under `key`, created by `make` on first sight. */
function entry<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** A DailySummary from a node that has everything one needs, else null. */
function complete(node: PartialSummary): DailySummary | null {
  const room = node.room ?? node.featureRoom;
  if (node.malformed || node.property === undefined || room === undefined || node.date === undefined)
    return null;
  if (!LOCAL_DATE_PATTERN.test(node.date)) return null;
  for (const field of REQUIRED_FIGURES) if (node.figures[field] === undefined) return null;
  return { property: node.property, room, date: node.date, ...node.figures, ...node.quality } as DailySummary;
}

/**
 * Reads a daily summaries document one quad at a time, in any order, so a streamed document need not be kept
 * whole: quads are folded into per-node figures and never kept, so memory is bounded by the summaries. A document
 * holds many summaries written over many days, so one incomplete or malformed node is counted and left out
 * rather than failing the rest.
 */
export class DailySummaryReader {
  private readonly nodes = new Map<string, PartialSummary>();
  private readonly measurements = new Map<string, PartialMeasurement>();

  private node(subject: string): PartialSummary {
    return entry(this.nodes, subject, () => ({
      typed: false,
      figures: {},
      measurements: [],
      quality: {},
      malformed: false,
    }));
  }

  private measurement(subject: string): PartialMeasurement {
    return entry(this.measurements, subject, () => ({}));
  }

  /** Takes one quad; anything that is not about a daily summary is ignored. */
  add(quad: Quad): void {
    const predicate = quad.predicate.value;
    const object = quad.object;
    const figure = FIGURE_BY_PREDICATE.get(predicate);
    if (figure !== undefined) {
      const value = object.termType === 'Literal' ? Number(object.value) : Number.NaN;
      const node = this.node(quad.subject.value);
      if (Number.isFinite(value)) node.figures[figure] = value;
      else node.malformed = true;
      return;
    }
    if (predicate === HAS_QUALITY_MEASUREMENT) {
      this.node(quad.subject.value).measurements.push(object.value);
    } else if (predicate === IS_MEASUREMENT_OF) {
      const field = QUALITY_BY_METRIC.get(object.value);
      if (field !== undefined) this.measurement(quad.subject.value).field = field;
    } else if (predicate === DQV_VALUE) {
      if (object.termType === 'Literal') this.measurement(quad.subject.value).value = Number(object.value);
    } else if (predicate === RDF_TYPE) {
      if (object.value === DAILY_SUMMARY) this.node(quad.subject.value).typed = true;
    } else if (predicate === OBSERVED_PROPERTY) {
      const property = propertyOfIri(object.value);
      const node = this.node(quad.subject.value);
      if (property === undefined) node.malformed = true;
      else node.property = property;
    } else if (predicate === ROOM) {
      this.node(quad.subject.value).room = roomSlug(object);
    } else if (predicate === FEATURE_OF_INTEREST) {
      this.node(quad.subject.value).featureRoom = roomSlug(object);
    } else if (predicate === LOCAL_DATE) {
      this.node(quad.subject.value).date = object.value;
    }
  }

  /** The complete summaries whose date is in `dates` (all when absent), and the count of typed nodes that were not. */
  summaries(dates?: DateRange): SummaryDocument {
    const summaries: DailySummary[] = [];
    let skipped = 0;
    for (const node of this.nodes.values()) {
      if (!node.typed) continue;
      // Flagged hours are quality, not figures: a measurement that is unknown or not a count is left out.
      for (const iri of node.measurements) {
        const { field, value } = this.measurements.get(iri) ?? {};
        if (field !== undefined && value !== undefined && Number.isInteger(value) && value >= 0)
          node.quality[field] = value;
      }
      const summary = complete(node);
      if (summary === null) skipped++;
      else if (dates === undefined || (summary.date >= dates.from && summary.date <= dates.to))
        summaries.push(summary);
    }
    return { summaries, skipped };
  }
}

/** Reads a whole daily summaries document (see DailySummaryReader for what it leaves out). */
export function parseDailySummaries(quads: Iterable<Quad>, dates?: DateRange): SummaryDocument {
  const reader = new DailySummaryReader();
  for (const one of quads) reader.add(one);
  return reader.summaries(dates);
}
