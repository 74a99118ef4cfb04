// Turns a daily summaries document (summaries/<property>/YYYY-MM.ttl) into DailySummary records while it streams in.
import type { Quad, Term } from 'n3';
import type { DailySummary, Property, QualityField } from '../../metrics/index.ts';
import {
  propertyOfIri,
  QUALITY_METRIC,
  SUMMARY_FIGURES,
  TERMS,
  type SummaryFigure,
} from '../../vocab/index.ts';
import type { DocumentCaps } from '../pod-access/pod-access-limits.ts';
import { parseTurtleStream, type TurtleBody } from './turtle-stream.ts';

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

const RDF_TYPE = TERMS.rdf.type.value;
const HAS_QUALITY_MEASUREMENT = TERMS.dqv.hasQualityMeasurement.value;
const IS_MEASUREMENT_OF = TERMS.dqv.isMeasurementOf.value;
const DQV_VALUE = TERMS.dqv.value.value;
const DAILY_SUMMARY = TERMS.hd.DailySummary.value;
const OBSERVED_PROPERTY = TERMS.sosa.observedProperty.value;
const FEATURE_OF_INTEREST = TERMS.sosa.hasFeatureOfInterest.value;
const ROOM = TERMS.hd.room.value;
const LOCAL_DATE = TERMS.hd.localDate.value;

/** Rooms are features of interest named `<home profile>#room-<slug>` (src/pod/formats/home-profile.ts roomIri). */
const ROOM_FRAGMENT = '#room-';

/** What has arrived so far about one summary node; quads of a node may come in any order. */
interface PartialSummary {
  typed: boolean;
  property?: Property;
  /** The room slug from hd:room (a literal, as the gateway writes it, or a room IRI). */
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

/** Collects quads into partial summaries, keyed by subject. */
class SummaryCollector {
  private readonly nodes = new Map<string, PartialSummary>();
  private readonly measurements = new Map<string, PartialMeasurement>();

  /** The partial measurement of a subject, created on first sight. */
  private measurement(subject: string): PartialMeasurement {
    let measurement = this.measurements.get(subject);
    if (measurement === undefined) {
      measurement = {};
      this.measurements.set(subject, measurement);
    }
    return measurement;
  }

  /** The partial summary of a subject, created on first sight. */
  private node(subject: string): PartialSummary {
    let node = this.nodes.get(subject);
    if (node === undefined) {
      node = { typed: false, figures: {}, measurements: [], quality: {}, malformed: false };
      this.nodes.set(subject, node);
    }
    return node;
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

  /** The complete summaries whose date is in `dates`, and the count of typed nodes that were not complete. */
  finish(dates: DateRange | undefined): SummaryDocument {
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
    this.nodes.clear();
    this.measurements.clear();
    return { summaries, skipped };
  }
}

/** A DailySummary from a node that has everything one needs, else null. */
function complete(node: PartialSummary): DailySummary | null {
  const room = node.room ?? node.featureRoom;
  if (node.malformed || node.property === undefined || room === undefined || node.date === undefined)
    return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(node.date)) return null;
  for (const field of REQUIRED_FIGURES) if (node.figures[field] === undefined) return null;
  return { property: node.property, room, date: node.date, ...node.figures, ...node.quality } as DailySummary;
}

/**
 * Parses a Turtle summaries document from a byte stream: quads are folded into per-node figures as they arrive
 * and never kept, so memory is bounded by the summaries, not the document text. `dates` drops summaries outside
 * the period a run asked for. `caps` bound the triples and subjects taken (the collector keeps one entry per
 * subject); a document over them fails as a whole.
 */
export async function readSummaryStream(
  body: TurtleBody,
  baseIRI: string,
  dates?: DateRange,
  caps?: DocumentCaps,
): Promise<SummaryDocument> {
  const collector = new SummaryCollector();
  await parseTurtleStream(body, baseIRI, (quad) => collector.add(quad), caps);
  return collector.finish(dates);
}
