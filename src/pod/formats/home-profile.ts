// The home profile document (`/homedata/home`): what the resident says about their home, written and read here only.
// Pure and browser-safe (bundled into the resident page): quads in, a typed profile out, and back.
import type { Quad } from '@rdfjs/types';
import { DataFactory } from 'n3';
import { assertTimeZone } from '../../metrics/index.ts';
import { HD } from '../../vocab/browser.ts';
import { DWELLING_TYPES, TERMS, type DwellingType } from '../../vocab/browser.ts';
import { serializeTurtle } from '../../vocab/browser.ts';
import type { PodLayout } from '../pod-layout.ts';
import { DocumentFormatError } from './document-format-error.ts';

const { namedNode, literal, quad } = DataFactory;
const { rdf, rdfs, hd, dct } = TERMS;

/** A room of the home: a feature of interest readings and summaries point at. */
export interface Room {
  /** Path-safe name, e.g. `living-room`. */
  slug: string;
  /** The resident's name for it, e.g. "Living room". */
  name: string;
}

/** The home as its resident describes it (hd:HomeProfileShape, vocab/shapes.ttl). */
export interface HomeProfile {
  /** ONS GSS area code, e.g. a ward (`E05000001`). */
  area: string;
  dwellingType: DwellingType;
  /** IANA time zone the home's local days are counted in. */
  timeZone: string;
  rooms: Room[];
}

/** What a home's cohort is formed from: where it is, what it is, and the zone its days are counted in. */
export type HomePlacement = Pick<HomeProfile, 'area' | 'dwellingType' | 'timeZone'>;

/**
 * A profile without hd:timeZone is counted in UK time: areas are ONS GSS codes, which name places in the UK
 * (the shape allows the zone to be left out).
 */
export const DEFAULT_TIME_ZONE = 'Europe/London';

/** The format's name in errors. */
const FORMAT = 'home profile';

/** The home's node inside the profile document. */
export function homeIri(layout: PodLayout): string {
  return `${layout.homeProfile}#home`;
}

/** The IRI of a room (a feature of interest) inside the home profile. */
export function roomIri(layout: PodLayout, room: string): string {
  return `${layout.homeProfile}#room-${room}`;
}

/** The room slug in a room IRI (`…/homedata/home#room-kitchen` → `kitchen`). */
export function roomSlugOf(roomIri: string): string {
  const fragment = roomIri.slice(roomIri.indexOf('#') + 1);
  return fragment.startsWith('room-') ? fragment.slice('room-'.length) : fragment;
}

/** The quads of a home profile document. */
export function homeProfileQuads(layout: PodLayout, home: HomeProfile): Quad[] {
  const subject = namedNode(homeIri(layout));
  const quads = [
    quad(subject, rdf.type, hd.Home),
    quad(subject, hd.areaCode, literal(home.area)),
    quad(subject, hd.dwellingType, hd[home.dwellingType]),
    quad(subject, hd.timeZone, literal(home.timeZone)),
    // Where the broker offers new requests (Linked Data Notifications): Append only, see docs/broker.md.
    quad(subject, TERMS.ldp.inbox, namedNode(layout.inbox)),
  ];
  for (const room of home.rooms) {
    const iri = namedNode(roomIri(layout, room.slug));
    quads.push(
      quad(iri, rdf.type, hd.Room),
      quad(iri, rdfs.label, literal(room.name)),
      quad(subject, dct.hasPart, iri),
    );
  }
  return quads;
}

/** The home profile document as Turtle. */
export function homeProfileTurtle(layout: PodLayout, home: HomeProfile): string {
  return serializeTurtle(homeProfileQuads(layout, home));
}

const AREA_CODE = hd.areaCode.value;
const DWELLING = hd.dwellingType.value;
const TIME_ZONE = hd.timeZone.value;
const TYPE = rdf.type.value;
const LABEL = rdfs.label.value;
const ROOM = hd.Room.value;
const DWELLING_BY_IRI: ReadonlyMap<string, DwellingType> = new Map(
  DWELLING_TYPES.map((type) => [HD(type), type]),
);

/** A valid IANA zone name, else undefined. */
function validZone(name: string): string | undefined {
  try {
    assertTimeZone(name);
    return name;
  } catch {
    return undefined;
  }
}

/**
 * Reads a home profile one quad at a time, in any order, so a streamed document need not be kept whole: a run
 * reads hundreds. Every value is judged by its predicate, whatever its subject, so a second area or dwelling type
 * anywhere in the document makes the profile ambiguous rather than silently picking one.
 */
export class HomeProfileReader {
  private readonly areas = new Set<string>();
  private readonly dwellings = new Set<string>();
  private readonly zones = new Set<string>();
  private readonly roomSubjects = new Set<string>();
  private readonly labels = new Map<string, string>();

  /** Takes in one quad of the document. */
  add(quad: Quad): void {
    const predicate = quad.predicate.value;
    const value = quad.object.value;
    if (predicate === AREA_CODE) this.areas.add(value);
    else if (predicate === DWELLING) this.dwellings.add(value);
    else if (predicate === TIME_ZONE) this.zones.add(value);
    else if (predicate === TYPE && value === ROOM) this.roomSubjects.add(quad.subject.value);
    else if (predicate === LABEL && !this.labels.has(quad.subject.value)) {
      this.labels.set(quad.subject.value, value);
    }
  }

  /** The area code when the document names exactly one; for pages that show what they can of a flawed profile. */
  get area(): string | undefined {
    return this.areas.size === 1 ? [...this.areas][0] : undefined;
  }

  /** The labelled rooms, in the order the document gave them. */
  get rooms(): Room[] {
    return [...this.roomSubjects].flatMap((subject) => {
      const name = this.labels.get(subject);
      return name === undefined ? [] : [{ slug: roomSlugOf(subject), name }];
    });
  }

  /**
   * The profile, or a DocumentFormatError listing every way the document falls short: no area code or more than
   * one, a dwelling type missing, unknown or given twice, a time zone that does not exist.
   */
  profile(): HomeProfile {
    const problems: string[] = [];
    if (this.areas.size !== 1) problems.push(`it needs exactly one hd:areaCode (found ${this.areas.size})`);
    const [dwellingIri] = this.dwellings;
    const dwellingType = this.dwellings.size === 1 ? DWELLING_BY_IRI.get(dwellingIri!) : undefined;
    if (dwellingType === undefined) problems.push('it needs exactly one known hd:dwellingType');
    let timeZone: string | undefined = DEFAULT_TIME_ZONE;
    if (this.zones.size > 0) {
      const [zone] = this.zones;
      timeZone = this.zones.size === 1 ? validZone(zone!) : undefined;
      if (timeZone === undefined) problems.push('its hd:timeZone is not one IANA time zone');
    }
    if (problems.length > 0 || dwellingType === undefined || timeZone === undefined) {
      throw new DocumentFormatError(FORMAT, problems);
    }
    return { area: this.area!, dwellingType, timeZone, rooms: this.rooms };
  }
}

/** Reads a whole home profile document (see HomeProfileReader.profile for what it refuses). */
export function parseHomeProfile(quads: Iterable<Quad>): HomeProfile {
  const reader = new HomeProfileReader();
  for (const one of quads) reader.add(one);
  return reader.profile();
}
