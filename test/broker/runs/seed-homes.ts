// Seeds fixture homes on the test pod server quickly: accounts, homedata pods, and January summaries as the gateway writes them.
import { randomUUID } from 'node:crypto';
import { Store } from 'n3';
import { mapLimited } from '../../../src/bounded-concurrency.ts';
import type { FixtureHome } from '../../../src/fixtures/fixture-set.ts';
import { readFixtureReadings, readFixtureSet } from '../../../src/fixtures/write-fixtures.ts';
import { summariesByDocument, summaryQuads } from '../../../src/pod/formats/daily-summary.ts';
import {
  summariseReadings,
  type DailySummary,
  type Property,
  type Reading,
} from '../../../src/metrics/index.ts';
import { AccountApi, type Identity } from '../../../src/pod/account-api.ts';
import { setUpHomedataPod } from '../../../src/pod/homedata-pod.ts';
import { PodLayout } from '../../../src/pod/pod-layout.ts';
import { writeTurtle } from '../../../src/pod/resource-write.ts';
import { loginWithClientCredentials, type SolidAgent } from '../../../src/pod/solid-session.ts';
import { serializeTurtle } from '../../../src/vocab/index.ts';

/** Where the fixture population and its hourly readings are. */
export const FIXTURES_DIR = 'pods-fixtures';

/** The gateway every seeded home names (the summaries are written by the resident here, so it never logs in). */
const GATEWAY_WEBID = 'https://gateway.example/profile/card#me';

/** A seeded home: the fixture it comes from, its resident's identity and session, and its raw readings. */
export interface SeededHome {
  fixture: FixtureHome;
  /** The area the home was seeded in (the fixture's unless overridden). */
  area: string;
  identity: Identity;
  agent: SolidAgent;
  layout: PodLayout;
  readings: Reading[];
}

/** Which fixture homes to seed, optionally moved to another area. */
export interface SeedSpec {
  homeId: string;
  area?: string;
}

/** How to seed. */
export interface SeedOptions {
  /** Summary containers to fill; default all. Fewer is quicker when a test reads only some. */
  properties?: readonly Property[];
  /** Homes set up at once: the pod server's CPU is the limit. */
  concurrency?: number;
}

/** The home's January summaries, grouped into the monthly documents the gateway appends them to. */
function summaryDocuments(
  layout: PodLayout,
  readings: readonly Reading[],
  timeZone: string,
): Map<string, DailySummary[]> {
  return summariesByDocument(
    layout,
    summariseReadings(readings, timeZone, { now: new Date('2026-02-02T00:00:00Z') }),
  );
}

/**
 * Provisions each home's resident, sets up the homedata pod from the fixture (area possibly overridden), and
 * writes its January summaries with the gateway's own RDF writer (`summaryQuads`) — one PUT per monthly document
 * instead of the gateway's appends, which would take a day of replay per home.
 */
export async function seedHomes(
  server: string,
  specs: readonly SeedSpec[],
  options: SeedOptions = {},
): Promise<SeededHome[]> {
  const fixtures = await readFixtureSet(FIXTURES_DIR);
  const api = new AccountApi(server);
  const run = randomUUID().slice(0, 6);
  const wanted = new Set(options.properties ?? ['temperature', 'humidity', 'co2', 'pm25', 'energy']);
  return mapLimited(specs, options.concurrency ?? 4, async (spec) => {
    const fixture = fixtures.homes.find((home) => home.id === spec.homeId);
    if (!fixture) throw new Error(`no fixture home ${spec.homeId}`);
    const area = spec.area ?? fixture.area;
    const name = `${fixture.podName}-${run}`;
    const identity = await api.provision({
      email: `${name}@test.example`,
      password: `pw-${name}-secret`,
      podName: name,
    });
    const agent = await loginWithClientCredentials(identity);
    const home = {
      area,
      dwellingType: fixture.dwellingType,
      timeZone: fixture.timeZone,
      rooms: fixture.rooms,
    };
    const layout = await setUpHomedataPod(agent, identity.pod, home, fixture.devices, GATEWAY_WEBID);
    const readings = await readFixtureReadings(FIXTURES_DIR, fixture.id);
    const kept = readings.filter((reading) => wanted.has(reading.property));
    const writes = [...summaryDocuments(layout, kept, fixture.timeZone)].map(([url, summaries]) =>
      writeTurtle(
        agent.fetch,
        url,
        // The gateway's N3 Patches keep a day's shared interval triples once; a Store does the same here.
        serializeTurtle(
          new Store(summaries.flatMap((summary) => summaryQuads(summary, layout, fixture.timeZone))).getQuads(
            null,
            null,
            null,
            null,
          ),
          { baseIRI: url },
        ),
      ),
    );
    await Promise.all(writes);
    return { fixture, area, identity, agent, layout, readings };
  });
}
