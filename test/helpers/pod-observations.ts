// Counts the readings in a home's pod whatever the layout: walks the readings container, parses each document with n3, and compares with what was sent.
import { Parser, Store } from 'n3';
import type { Property } from '../../src/metrics/types.ts';
import { OBSERVABLE_PROPERTY, TERMS } from '../../src/vocab/index.ts';

/** One `sosa:Observation` as found in the pod. */
export interface PodObservation {
  document: string;
  sensor: string;
  property: string;
  time: string;
  value: number | undefined;
}

/** A reading as a sender sent it (the property by its homedata name). */
export interface SentReading {
  property: Property;
  time: Date;
  value: number;
}

/** What the pod holds, set against what was sent. */
export interface ReadingCount {
  /** `sosa:Observation`s with a numeric value, over every document. */
  inPod: number;
  /** Sent readings with no observation of that property and time carrying the sent value. */
  lost: number;
  /** Observations beyond the first of a (sensor, property, time): the same reading written twice. */
  duplicated: number;
  /** Observations whose document is not under their own hour (`YYYY/MM/DD/HH`, UTC). */
  misfiled: number;
}

/** Every document under `container` (members of sub-containers too), through `ldp:contains`. */
async function documentsUnder(fetchFn: typeof fetch, container: string): Promise<string[]> {
  const response = await fetchFn(container, { headers: { accept: 'text/turtle' } });
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`GET ${container} answered ${response.status}`);
  const listing = new Store(new Parser({ baseIRI: container }).parse(await response.text()));
  const documents: string[] = [];
  for (const member of listing.getObjects(container, TERMS.ldp.contains, null)) {
    if (member.value.endsWith('/')) documents.push(...(await documentsUnder(fetchFn, member.value)));
    else documents.push(member.value);
  }
  return documents;
}

/** Every observation under `container`, read with `fetchFn` (an agent with Read on it). */
export async function podObservations(fetchFn: typeof fetch, container: string): Promise<PodObservation[]> {
  const observations: PodObservation[] = [];
  for (const document of await documentsUnder(fetchFn, container)) {
    const response = await fetchFn(document, { headers: { accept: 'text/turtle' } });
    if (!response.ok) throw new Error(`GET ${document} answered ${response.status}`);
    const store = new Store(new Parser({ baseIRI: document }).parse(await response.text()));
    for (const subject of store.getSubjects(TERMS.rdf.type, TERMS.sosa.Observation, null)) {
      const one = (predicate: typeof TERMS.sosa.resultTime, of = subject) =>
        store.getObjects(of, predicate, null)[0]?.value;
      const result = store.getObjects(subject, TERMS.sosa.hasResult, null)[0];
      const value = result && store.getObjects(result, TERMS.qudt.numericValue, null)[0]?.value;
      observations.push({
        document,
        sensor: one(TERMS.sosa.madeBySensor) ?? '',
        property: one(TERMS.sosa.observedProperty) ?? '',
        time: new Date(one(TERMS.sosa.resultTime) ?? NaN).toISOString(),
        value: value === undefined ? undefined : Number(value),
      });
    }
  }
  return observations;
}

/** `YYYY/MM/DD/HH` of an instant, UTC: the hour every layout files a reading under. */
function hourPath(time: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${time.getUTCFullYear()}/${pad(time.getUTCMonth() + 1)}/${pad(time.getUTCDate())}/${pad(time.getUTCHours())}`;
}

/** Counts the pod's observations against the readings sent (one sensor per property, as the fault tests send). */
export function countReadings(
  sent: readonly SentReading[],
  observations: readonly PodObservation[],
): ReadingCount {
  const byReading = new Map<string, PodObservation[]>();
  let inPod = 0;
  let misfiled = 0;
  for (const observation of observations) {
    if (observation.value === undefined || Number.isNaN(observation.value)) continue;
    inPod++;
    const key = `${observation.sensor}|${observation.property}|${observation.time}`;
    byReading.set(key, [...(byReading.get(key) ?? []), observation]);
    if (!observation.document.includes(hourPath(new Date(observation.time)))) misfiled++;
  }
  const duplicated = [...byReading.values()].reduce((sum, list) => sum + list.length - 1, 0);
  const found = new Map<string, number[]>();
  for (const observation of observations) {
    if (observation.value === undefined) continue;
    const key = `${observation.property}|${observation.time}`;
    found.set(key, [...(found.get(key) ?? []), observation.value]);
  }
  let lost = 0;
  for (const reading of sent) {
    const values = found.get(`${OBSERVABLE_PROPERTY[reading.property].value}|${reading.time.toISOString()}`);
    if (!values?.some((value) => Math.abs(value - reading.value) < 1e-9)) lost++;
  }
  return { inPod, lost, duplicated, misfiled };
}
