// Reads the resident's home profile from their pod: the area code and the names of the rooms.
import type { Store } from 'n3';
import { type PodLayout, readTurtle } from '../../pod/browser.ts';
import { TERMS } from '../../vocab/browser.ts';

/** What the page needs from the home profile. */
export interface HomeProfile {
  /** GSS area code, or null when the profile names none. */
  area: string | null;
  /** Room names by slug (`living-room` → "Living room"). */
  roomNames: Record<string, string>;
}

/** Names for the two places a sensor may be that are not rooms (see the fixture home model). */
const PLACE_NAMES: Readonly<Record<string, string>> = { home: 'Whole home', outdoor: 'Outdoors' };

/** The room slug in a room IRI (`…/homedata/home#room-kitchen` → `kitchen`). */
export function roomSlugOf(roomIri: string): string {
  const fragment = roomIri.slice(roomIri.indexOf('#') + 1);
  return fragment.startsWith('room-') ? fragment.slice('room-'.length) : fragment;
}

/** Parses a home profile document. */
export function parseHomeProfile(store: Store): HomeProfile {
  const home = store.getSubjects(TERMS.rdf.type, TERMS.hd.Home, null)[0];
  const area = home ? (store.getObjects(home, TERMS.hd.areaCode, null)[0]?.value ?? null) : null;
  const roomNames: Record<string, string> = { ...PLACE_NAMES };
  for (const room of store.getSubjects(TERMS.rdf.type, TERMS.hd.Room, null)) {
    const label = store.getObjects(room, TERMS.rdfs.label, null)[0]?.value;
    if (label) roomNames[roomSlugOf(room.value)] = label;
  }
  return { area, roomNames };
}

/** Reads the home profile; an absent profile gives no area and the default place names. */
export async function readHomeProfile(fetchFn: typeof fetch, layout: PodLayout): Promise<HomeProfile> {
  const document = await readTurtle(fetchFn, layout.homeProfile);
  return document ? parseHomeProfile(document.store) : { area: null, roomNames: { ...PLACE_NAMES } };
}

/** A room's name for people: its label, else its slug with dashes as spaces. */
export function roomName(profile: HomeProfile, slug: string): string {
  return profile.roomNames[slug] ?? slug.replace(/-/g, ' ');
}
