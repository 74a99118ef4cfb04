// The resident page's view of the home profile (read through the one home profile format): the area and room names.
import type { Store } from 'n3';
import { HomeProfileReader } from '../../pod/browser.ts';
import type { PodLayout } from '../../pod/browser.ts';
import { readTurtle } from '../../pod/browser.ts';

/**
 * What the page shows of the home profile. Unlike a run, the page shows what it can of a flawed profile: the
 * resident should still see their rooms named when, say, the dwelling type is missing.
 */
export interface HomeView {
  /** GSS area code, or null when the profile names none (or more than one). */
  area: string | null;
  /** Room names by slug (`living-room` → "Living room"). */
  roomNames: Record<string, string>;
}

/** Names for the two places a sensor may be that are not rooms (see the fixture home model). */
const PLACE_NAMES: Readonly<Record<string, string>> = { home: 'Whole home', outdoor: 'Outdoors' };

/** The page's view of a home profile document. */
export function homeViewOf(store: Store): HomeView {
  const reader = new HomeProfileReader();
  for (const quad of store) reader.add(quad);
  const roomNames: Record<string, string> = { ...PLACE_NAMES };
  for (const room of reader.rooms) roomNames[room.slug] = room.name;
  return { area: reader.area ?? null, roomNames };
}

/** Reads the home profile; an absent profile gives no area and the default place names. */
export async function readHomeView(fetchFn: typeof fetch, layout: PodLayout): Promise<HomeView> {
  const document = await readTurtle(fetchFn, layout.homeProfile);
  return document ? homeViewOf(document.store) : { area: null, roomNames: { ...PLACE_NAMES } };
}

/** A room's name for people: its label, else its slug with dashes as spaces. */
export function roomName(profile: HomeView, slug: string): string {
  return profile.roomNames[slug] ?? slug.replace(/-/g, ' ');
}
