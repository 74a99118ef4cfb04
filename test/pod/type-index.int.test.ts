// A generic Solid app that knows nothing of homedata's paths finds the readings through the resident's Type Index and
// counts them with @inrupt/solid-client, under WAC and ACP pod servers alike.
import {
  getContainedResourceUrlAll,
  getSolidDataset,
  getThing,
  getThingAll,
  getUrl,
  getUrlAll,
} from '@inrupt/solid-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { observationQuads, readingKey } from '../../src/gateway/observation-rdf.ts';
import { PodWriter } from '../../src/gateway/pod-writer.ts';
import { summaryQuads, summaryDocumentOf } from '../../src/pod/formats/daily-summary.ts';
import { createLogger } from '../../src/logging.ts';
import { summariseReadings } from '../../src/metrics/index.ts';
import type { Reading } from '../../src/metrics/types.ts';
import { readTurtle } from '../../src/pod/resource-read.ts';
import { registerInTypeIndex } from '../../src/pod/type-index.ts';
import { TERMS } from '../../src/vocab/terms.ts';
import { createGatewayHome, removeDataDirs, type GatewayHome } from '../gateway/gateway-home.ts';

const servers = [
  { system: 'wac', server: inject('podServer') },
  { system: 'acp', server: inject('podServerAcp') },
] as const;

const { rdf, solid, sosa, hd } = TERMS;

/** Readings the gateway writes: three hours over two days, two sensors. */
const readings: Reading[] = [
  ['2026-01-05T10:15:00Z', 'temperature', 19.5],
  ['2026-01-05T10:45:00Z', 'temperature', 19.7],
  ['2026-01-05T10:45:00Z', 'humidity', 61],
  ['2026-01-05T11:05:00Z', 'humidity', 63],
  ['2026-01-06T07:30:00Z', 'temperature', 17.9],
].map(([time, property, value]) => ({
  sensor: 'living-th1',
  room: 'living-room',
  property: property as Reading['property'],
  time: new Date(time as string),
  value: value as number,
}));

/** What a generic app does: every resource under a container, following `ldp:contains`. */
async function documentsUnder(container: string, fetchFn: typeof fetch): Promise<string[]> {
  const members = getContainedResourceUrlAll(await getSolidDataset(container, { fetch: fetchFn }));
  const nested = await Promise.all(
    members.map((url) => (url.endsWith('/') ? documentsUnder(url, fetchFn) : Promise.resolve([url]))),
  );
  return nested.flat();
}

describe.each(servers)('a generic Solid app on the $system pod', ({ server }) => {
  let home: GatewayHome;
  let writer: PodWriter;

  beforeAll(async () => {
    home = await createGatewayHome(server);
    writer = new PodWriter(home.gateway.identity, createLogger('gateway', 'silent'), () => new Date());
    // As the gateway flushes: one new document per hour, in the hour's container.
    const byHour = new Map<string, Reading[]>();
    for (const reading of readings) {
      const hour = home.layout.readingsHour(reading.time);
      byHour.set(hour, [...(byHour.get(hour) ?? []), reading]);
    }
    for (const batch of byHour.values()) {
      await writer.create(
        home.layout.readingsDocument(batch[0]!.time, readingKey(batch[0]!)),
        batch.flatMap((reading) => observationQuads(reading, home.layout)),
      );
    }
    // A daily summary is a sosa:Observation too; an app counting readings must not find it among them.
    const [summary] = summariseReadings(readings.slice(0, 2), 'Europe/London', {
      now: new Date('2026-02-01T00:00:00Z'),
    });
    await writer.insert(
      summaryDocumentOf(home.layout, summary!),
      summaryQuads(summary!, home.layout, 'Europe/London'),
    );
  });

  afterAll(async () => {
    await writer?.close();
    await home?.resident.agent.logout();
    await home?.gateway.agent.logout();
    await removeDataDirs();
  });

  it('follows the WebID profile to the Type Index, finds the readings and counts what the gateway wrote', async () => {
    const { fetch: residentFetch, webId } = home.resident.agent;
    const profile = await getSolidDataset(webId, { fetch: residentFetch });
    const index = getUrl(getThing(profile, webId)!, solid.privateTypeIndex.value);
    expect(index).toEqual(expect.any(String));

    const registrations = getThingAll(await getSolidDataset(index!, { fetch: residentFetch })).filter(
      (thing) =>
        getUrlAll(thing, rdf.type.value).includes(solid.TypeRegistration.value) &&
        getUrl(thing, solid.forClass.value) === sosa.Observation.value,
    );
    const containers = registrations.flatMap((thing) => getUrlAll(thing, solid.instanceContainer.value));
    expect(containers).toHaveLength(1);

    const documents = await documentsUnder(containers[0]!, residentFetch);
    let observations = 0;
    for (const document of documents) {
      const dataset = await getSolidDataset(document, { fetch: residentFetch });
      observations += getThingAll(dataset).filter((thing) =>
        getUrlAll(thing, rdf.type.value).includes(sosa.Observation.value),
      ).length;
    }
    expect(documents).toHaveLength(3);
    expect(observations).toBe(readings.length);
  });

  it('keeps the index private and registers summaries, consents and the home by their classes', async () => {
    const { fetch: residentFetch, webId } = home.resident.agent;
    const profile = await readTurtle(residentFetch, webId.replace(/#.*/, ''));
    const index = profile!.store.getObjects(webId, solid.privateTypeIndex, null)[0]!.value;
    expect((await fetch(index)).status).toBe(401);
    expect((await home.gateway.agent.fetch(index)).status).toBe(403);
    const store = (await readTurtle(residentFetch, index))!.store;
    const where = (forClass: typeof hd.Home) => {
      const [registration] = store.getSubjects(solid.forClass, forClass, null);
      return [
        ...store.getObjects(registration!, solid.instanceContainer, null),
        ...store.getObjects(registration!, solid.instance, null),
      ].map((term) => term.value);
    };
    expect(where(hd.DailySummary)).toEqual([home.layout.summaries]);
    expect(where(TERMS.dpv.ConsentRecord)).toEqual([home.layout.consents]);
    expect(where(hd.Home)).toEqual([home.layout.homeProfile]);
  });

  it('a second set-up finds the same index and adds nothing', async () => {
    const { fetch: residentFetch, webId } = home.resident.agent;
    const profileUrl = webId.replace(/#.*/, '');
    const before = (await readTurtle(residentFetch, profileUrl))!.store;
    const index = before.getObjects(webId, solid.privateTypeIndex, null)[0]!.value;
    const sizeBefore = (await readTurtle(residentFetch, index))!.store.size;
    expect(await registerInTypeIndex(residentFetch, webId, home.layout)).toBe(index);
    const after = (await readTurtle(residentFetch, profileUrl))!.store;
    expect(after.getObjects(webId, solid.privateTypeIndex, null)).toHaveLength(1);
    expect((await readTurtle(residentFetch, index))!.store.size).toBe(sizeBefore);
  });
});
