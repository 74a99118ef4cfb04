// Registers homedata's resources in the resident's private Type Index, so that any Solid app can find the readings,
// summaries, consent records and home profile by class without knowing homedata's paths.
import { DataFactory, type Quad } from 'n3';
import { TERMS, serializeTurtle } from '../vocab/browser.ts';
import { readTurtle } from './resource-read.ts';
import { patchInsert, writeTurtle } from './resource-write.ts';
import type { PodLayout } from './pod-layout.ts';

const { namedNode, quad } = DataFactory;
const { rdf, solid, sosa, hd, dpv } = TERMS;

/**
 * Where homedata puts a private Type Index when the profile links none: under `settings/`, which the pod's root
 * access control keeps to the owner (CSS's WAC and ACP root templates alike), beside no other homedata data.
 */
export function defaultPrivateTypeIndex(pod: string): string {
  return `${pod.endsWith('/') ? pod : `${pod}/`}settings/privateTypeIndex.ttl`;
}

/**
 * The registrations homedata keeps, each named by a fragment of its own so that a repeated set-up finds and leaves
 * them as they are (N3 Patch inserts identical triples once): raw readings by `sosa:Observation` (a container of
 * hourly documents), daily summaries by `hd:DailySummary` (they are `sosa:Observation`s too, but an app looking for
 * readings should not count them twice), consent records by `dpv:ConsentRecord`, and the home by `hd:Home`.
 */
export function typeRegistrationQuads(layout: PodLayout, index: string): Quad[] {
  const quads: Quad[] = [];
  const register = (
    name: string,
    forClass: typeof sosa.Observation,
    where: 'container' | 'instance',
    url: string,
  ) => {
    const registration = namedNode(`${index}#homedata-${name}`);
    quads.push(
      quad(registration, rdf.type, solid.TypeRegistration),
      quad(registration, solid.forClass, forClass),
      quad(registration, where === 'container' ? solid.instanceContainer : solid.instance, namedNode(url)),
    );
  };
  register('readings', sosa.Observation, 'container', layout.readings);
  register('summaries', hd.DailySummary, 'container', layout.summaries);
  register('consents', dpv.ConsentRecord, 'container', layout.consents);
  register('home', hd.Home, 'instance', layout.homeProfile);
  return quads;
}

/**
 * Makes sure the resident's WebID profile links a private Type Index (creating one, unlisted, when it links none)
 * and registers homedata's resources in it. Private, not public: a public registration would tell anyone who reads
 * the profile that this pod holds a home's sensor readings and consent records, and where; the apps a resident
 * signs in to can read the private index with the resident's own session. Returns the index's URL.
 */
export async function registerInTypeIndex(
  fetchFn: typeof fetch,
  webId: string,
  layout: PodLayout,
): Promise<string> {
  const profileDocument = webId.replace(/#.*$/, '');
  const profile = await readTurtle(fetchFn, profileDocument);
  const linked = profile?.store.getObjects(namedNode(webId), solid.privateTypeIndex, null)[0]?.value;
  const index = linked ?? defaultPrivateTypeIndex(layout.pod);
  if (!linked) {
    const header = serializeTurtle([
      quad(namedNode(index), rdf.type, solid.TypeIndex),
      quad(namedNode(index), rdf.type, solid.UnlistedDocument),
    ]);
    // If-None-Match: an index another app made at the same place between our read and this write is kept.
    await writeTurtle(fetchFn, index, header, { ifNoneMatch: '*' });
    await patchInsert(fetchFn, profileDocument, [
      quad(namedNode(webId), solid.privateTypeIndex, namedNode(index)),
    ]);
  }
  await patchInsert(fetchFn, index, typeRegistrationQuads(layout, index));
  return index;
}
