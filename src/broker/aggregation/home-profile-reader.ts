// Reads a home profile document (area, dwelling type, time zone) as it streams in: what a home's cohort is formed from.
import { assertTimeZone } from '../../metrics/index.ts';
import { DWELLING_TYPES, HD, TERMS, type DwellingType } from '../../vocab/index.ts';
import type { DocumentCaps } from '../pod-access/pod-access-limits.ts';
import { parseTurtleStream, type TurtleBody } from './turtle-stream.ts';

/** What a run needs to know about a home. */
export interface HomeProfile {
  /** ONS GSS area code. */
  area: string;
  dwellingType: DwellingType;
  /** IANA zone the home's local days are counted in. */
  timeZone: string;
}

/**
 * A profile without hd:timeZone is counted in UK time: areas are ONS GSS codes, which name places in the UK
 * (the shape allows the zone to be left out).
 */
export const DEFAULT_TIME_ZONE = 'Europe/London';

const AREA_CODE = TERMS.hd.areaCode.value;
const DWELLING = TERMS.hd.dwellingType.value;
const TIME_ZONE = TERMS.hd.timeZone.value;
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
 * The profile in a home document, or null when it lacks an area code or a known dwelling type, or names a time
 * zone that does not exist: such a home cannot be placed in a cohort and is left out of the run.
 */
export async function readHomeProfile(
  body: TurtleBody,
  baseIRI: string,
  caps?: DocumentCaps,
): Promise<HomeProfile | null> {
  let area: string | undefined;
  let dwellingType: DwellingType | undefined;
  let zone: string | undefined;
  let conflicting = false;
  await parseTurtleStream(
    body,
    baseIRI,
    (quad) => {
      const predicate = quad.predicate.value;
      const value = quad.object.value;
      if (predicate === AREA_CODE) {
        conflicting ||= area !== undefined && area !== value;
        area = value;
      } else if (predicate === DWELLING) {
        conflicting ||= dwellingType !== undefined && dwellingType !== DWELLING_BY_IRI.get(value);
        dwellingType = DWELLING_BY_IRI.get(value);
      } else if (predicate === TIME_ZONE) {
        zone = value;
      }
    },
    caps,
  );
  if (conflicting || area === undefined || dwellingType === undefined) return null;
  const timeZone = zone === undefined ? DEFAULT_TIME_ZONE : validZone(zone);
  return timeZone === undefined ? null : { area, dwellingType, timeZone };
}
