// Test helpers for the gateway: a resident's pod set up with a gateway identity, gateway settings, and counting what landed.
import { vi } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { gatewayConfigSchema, GatewaySettings } from '../../src/gateway/gateway-config.ts';
import { readStatusFile } from '../../src/gateway/gateway-status.ts';
import type { HomeProfile } from '../../src/pod/formats/home-profile.ts';
import { setUpHomedataPod, type DeviceDescription } from '../../src/pod/homedata-pod.ts';
import type { PodLayout } from '../../src/pod/pod-layout.ts';
import { podRequest, readTurtle } from '../../src/pod/resource-read.ts';
import type { SolidAgent } from '../../src/pod/solid-session.ts';
import { TERMS } from '../../src/vocab/index.ts';
import { parseTurtle } from '../../src/vocab/turtle.ts';
import type { Store } from 'n3';
import type { z } from 'zod';
import { createActor, type TestActor } from '../helpers/identities.ts';

/** The test home: two rooms, four sensors. */
export const HOME: HomeProfile = {
  area: 'E05018412',
  dwellingType: 'Flat',
  timeZone: 'Europe/London',
  rooms: [
    { slug: 'living-room', name: 'Living room' },
    { slug: 'bedroom-1', name: 'Bedroom 1' },
  ],
};
export const DEVICES: DeviceDescription[] = [
  { id: 'living-th1', room: 'living-room', property: 'temperature' },
  { id: 'living-th1', room: 'living-room', property: 'humidity' },
  { id: 'bedroom-co2', room: 'bedroom-1', property: 'co2' },
];
/** The same sensors as a gateway device map. */
export const DEVICE_MAP: GatewaySettings['devices'] = {
  'living-th1': { room: 'living-room' },
  'bedroom-co2': { room: 'bedroom-1' },
};

/** A resident with a homedata pod and the identity of that home's gateway (Append only). */
export interface GatewayHome {
  resident: TestActor;
  gateway: TestActor;
  layout: PodLayout;
  /** Gateway settings for this home with a fresh data folder; short flushes for tests. */
  settings(overrides?: Partial<GatewaySettings>): Promise<GatewaySettings>;
}

/** Creates a resident and a gateway identity on `server` and sets the resident's pod up. */
export async function createGatewayHome(server: string): Promise<GatewayHome> {
  const [resident, gateway] = await Promise.all([
    createActor(server, 'resident'),
    createActor(server, 'gateway'),
  ]);
  const layout = await setUpHomedataPod(
    resident.agent,
    resident.identity.pod,
    HOME,
    DEVICES,
    gateway.identity.webId,
  );
  return {
    resident,
    gateway,
    layout,
    async settings(overrides = {}) {
      const dataDir = await freshDataDir();
      return {
        dataDir,
        pod: resident.identity.pod,
        timeZone: 'Europe/London',
        credentials: gateway.identity,
        devices: DEVICE_MAP,
        flush: { intervalMs: 1000, maxReadings: 500 },
        summaries: { enabled: true, graceMs: 0 },
        retry: { baseMs: 200, maxMs: 2000 },
        maxClockSkewMs: 120_000,
        dedupRetentionDays: 400,
        quarantineFile: join(dataDir, 'quarantine.jsonl'),
        ...overrides,
      };
    },
  };
}

/**
 * Writes `dataDir`/gateway.json, the file `homedata gateway run --config` reads, for `home`'s pod and gateway
 * identity with `DEVICE_MAP` and `more` (inputs, flush, retry); returns its path. The data folder is the file's own.
 */
export async function writeGatewayConfigFile(
  home: GatewayHome,
  dataDir: string,
  more: Partial<z.input<typeof gatewayConfigSchema>>,
): Promise<string> {
  const configFile = join(dataDir, 'gateway.json');
  const { issuer, clientId, clientSecret } = home.gateway.identity;
  await writeFile(
    configFile,
    JSON.stringify({
      dataDir: '.',
      pod: home.resident.identity.pod,
      identity: { issuer, clientId, clientSecret },
      devices: DEVICE_MAP,
      ...more,
    }),
  );
  return configFile;
}

/** Data folders made by this test file, removed by `removeDataDirs`. */
const dataDirs: string[] = [];

/** Removes every data folder `freshDataDir` made in this test file (call in `afterAll`). */
export async function removeDataDirs(): Promise<void> {
  for (const dir of dataDirs.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** A new empty gateway data folder (its SQLite outbox is created on first open, in milliseconds). */
export async function freshDataDir(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'homedata-gateway-'));
  dataDirs.push(dataDir);
  return dataDir;
}

/** Every document under a container, walking sub-containers, as `fetch` may read them. */
export async function documentsUnder(fetchFn: typeof fetch, container: string): Promise<string[]> {
  const listing = await readTurtle(fetchFn, container);
  if (!listing) return [];
  const documents: string[] = [];
  for (const member of listing.store.getObjects(container, TERMS.ldp.contains, null)) {
    if (member.value.endsWith('/')) documents.push(...(await documentsUnder(fetchFn, member.value)));
    else documents.push(member.value);
  }
  return documents.sort();
}

/** The readings documents of the UTC hour holding `time` as `agent` reads them: URL, Turtle and parsed store. */
export async function hourDocuments(
  agent: SolidAgent,
  layout: PodLayout,
  time: Date,
): Promise<{ url: string; turtle: string; store: Store }[]> {
  const documents = [];
  for (const url of await documentsUnder(agent.fetch, layout.readingsHour(time))) {
    const response = await podRequest(agent.fetch, url, { headers: { accept: 'text/turtle' } });
    const turtle = await response.text();
    documents.push({ url, turtle, store: parseTurtle(turtle, { baseIRI: url }) });
  }
  return documents;
}

/** Observations written at exactly `time`, across the flush documents of its hour, as `agent` reads them. */
export async function observationsOfHour(agent: SolidAgent, layout: PodLayout, time: Date): Promise<number> {
  const subjects = new Set<string>();
  for (const { store } of await hourDocuments(agent, layout, time)) {
    for (const quad of store.getQuads(null, TERMS.sosa.resultTime, null, null)) {
      if (new Date(quad.object.value).getTime() === time.getTime()) subjects.add(quad.subject.value);
    }
  }
  return subjects.size;
}

/** What the pod holds under a container: observations per document and each document's ETag and size. */
export interface PodSnapshot {
  observations: number;
  /** `qudt:numericValue` triples: one per observation unless a result got two values. */
  values: number;
  /** Observation IRIs seen more than once across documents (there must be none). */
  repeated: string[];
  documents: Map<string, { etag: string | null; triples: number; observations: number }>;
}

/** Reads every document under a container as `agent` and counts its observations of type `type`. */
export async function snapshotPod(
  agent: SolidAgent,
  container: string,
  type = TERMS.hd.Reading,
): Promise<PodSnapshot> {
  const documents = new Map<string, { etag: string | null; triples: number; observations: number }>();
  const seen = new Set<string>();
  const repeated: string[] = [];
  let values = 0;
  for (const url of await documentsUnder(agent.fetch, container)) {
    const document = await readTurtle(agent.fetch, url);
    if (!document) continue;
    const subjects = document.store.getSubjects(TERMS.rdf.type, type, null);
    values += document.store.countQuads(null, TERMS.qudt.numericValue, null, null);
    for (const subject of subjects) {
      if (seen.has(subject.value)) repeated.push(subject.value);
      seen.add(subject.value);
    }
    documents.set(url, { etag: document.etag, triples: document.store.size, observations: subjects.length });
  }
  return { observations: seen.size, values, repeated, documents };
}

/** The status code of a request as `agent`. */
export async function statusOf(agent: SolidAgent, url: string, method = 'GET'): Promise<number> {
  const response = await podRequest(agent.fetch, url, { method, headers: { accept: 'text/turtle' } });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Whether `check` came true within `timeoutMs`, asked every `everyMs` (vitest's `vi.waitFor`), for tests that
 * report a fact (e.g. a fault row's figures) rather than fail at the first miss.
 */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 200,
): Promise<boolean> {
  try {
    await vi.waitFor(
      async () => {
        if (!(await check())) throw new Error('not yet');
      },
      { timeout: timeoutMs, interval: everyMs },
    );
    return true;
  } catch {
    return false;
  }
}

/** Whether the gateway process `pid` reported, within `timeoutMs`, an empty outbox in `dataDir` and no flush running. */
export function outboxDrained(dataDir: string, pid: number | undefined, timeoutMs: number): Promise<boolean> {
  return waitFor(
    async () => {
      const status = await readStatusFile(dataDir);
      return status !== null && status.pid === pid && status.pending === 0 && !status.flushing;
    },
    timeoutMs,
    500,
  );
}
