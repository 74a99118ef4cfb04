// Sets up what the page tests need on a running `homedata demo`, doing only what the demo has not done itself:
// the broker, a council, the fixture council's request, January's data in the pods, and most residents' consent.
import { join } from 'node:path';
import { BrokerClient } from '../../src/consent/broker-client.ts';
import { grantConsent } from '../../src/consent/consent-writer.ts';
import { readIdentities, type DemoIdentities } from '../../src/demo/demo-files.ts';
import { readFixtureReadings, readFixtureSet } from '../../src/fixtures/write-fixtures.ts';
import { summaryDocumentOf, summaryQuads } from '../../src/gateway/summary-rdf.ts';
import { observationQuads } from '../../src/gateway/observation-rdf.ts';
import { createLogger } from '../../src/logging.ts';
import { summariseReadings } from '../../src/metrics/index.ts';
import type { DailySummary } from '../../src/metrics/types.ts';
import { PodLayout } from '../../src/pod/pod-layout.ts';
import { readTurtle } from '../../src/pod/resource-read.ts';
import { writeTurtle } from '../../src/pod/resource-write.ts';
import { loginWithClientCredentials, type SolidAgent } from '../../src/pod/solid-session.ts';
import { serializeTurtle } from '../../src/vocab/turtle.ts';
import { addCouncil, startBroker, type RunningBroker } from '../../src/broker/index.ts';
import type { DemoProcess } from '../helpers/demo-process.ts';

const FIXTURES_DIR = 'pods-fixtures';
const TIME_ZONE = 'Europe/London';
const CENTRAL = 'E05018412';
const RIVERSIDE = 'E05018419';

/** The fixture council's request, as a council analyst would file it. */
export const FIXTURE_REQUEST = {
  title: 'Damp and cold homes, winter 2026',
  purpose: 'https://w3id.org/dpv#ImprovePublicServices',
  description:
    'To find the wards where damp and cold homes are most common, so that insulation grants go there first.',
  metrics: ['damp.rh70.hours', 'cold.below18.hours', 'temperature.mean'],
  areas: [CENTRAL, RIVERSIDE],
  period: { from: '2026-01-01', to: '2026-01-31' },
  granularity: 'month',
  minCohort: 10,
  consentUntil: '2027-06-30',
};

/** A resident as the tests use them: login for the browser, credentials for checks over HTTP. */
export interface WorldResident {
  email: string;
  password: string;
  webId: string;
  pod: string;
  home: string;
  area: string;
  clientId: string;
  clientSecret: string;
  issuer: string;
}

/** Everything the page tests act on. */
export interface DemoWorld {
  brokerUrl: string;
  brokerWebId: string;
  council: { name: string; apiKey: string };
  requestId: string;
  /** The resident who logs in through the browser: in the released area, not yet answered. */
  browserResident: WorldResident;
  identities: DemoIdentities;
  stop(): Promise<void>;
}

/** Logs a resident in with client credentials; the caller logs out. */
export function loginResident(
  resident: Pick<WorldResident, 'issuer' | 'clientId' | 'clientSecret'>,
): Promise<SolidAgent> {
  return loginWithClientCredentials(resident);
}

/** Writes January's daily summaries of one home from its fixture readings, unless the pod has them already. */
async function writeJanuarySummaries(agent: SolidAgent, pod: string, homeId: string): Promise<void> {
  const layout = new PodLayout(pod);
  if (await readTurtle(agent.fetch, layout.summaryDocument('temperature', '2026-01'))) return;
  const readings = await readFixtureReadings(FIXTURES_DIR, homeId);
  const summaries = summariseReadings(readings, TIME_ZONE, { now: new Date('2026-02-02T00:00:00Z') });
  const byDocument = new Map<string, DailySummary[]>();
  for (const summary of summaries) {
    const document = summaryDocumentOf(layout, summary);
    byDocument.set(document, [...(byDocument.get(document) ?? []), summary]);
  }
  for (const [document, days] of byDocument) {
    const quads = days.flatMap((summary) => summaryQuads(summary, layout, TIME_ZONE));
    await writeTurtle(agent.fetch, document, serializeTurtle(quads, { baseIRI: document }));
  }
}

/** Writes the last 24 hourly readings documents of January for one home, for the resident's own chart. */
async function writeLastDayReadings(agent: SolidAgent, pod: string, homeId: string): Promise<void> {
  const layout = new PodLayout(pod);
  const lastHour = new Date('2026-01-31T23:00:00Z');
  if (await readTurtle(agent.fetch, layout.readingsDocument(lastHour))) return;
  const from = lastHour.getTime() - 23 * 3_600_000;
  const readings = (await readFixtureReadings(FIXTURES_DIR, homeId)).filter(
    (reading) => reading.time.getTime() >= from,
  );
  const byDocument = new Map<string, typeof readings>();
  for (const reading of readings) {
    const document = layout.readingsDocument(reading.time);
    byDocument.set(document, [...(byDocument.get(document) ?? []), reading]);
  }
  for (const [document, hour] of byDocument) {
    const quads = hour.flatMap((reading) => observationQuads(reading, layout));
    await writeTurtle(agent.fetch, document, serializeTurtle(quads, { baseIRI: document }));
  }
}

/** Runs `task` for each item, `limit` at a time. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/**
 * Makes the demo ready for the page tests. `grantsCentral` residents of the released ward (besides the browser
 * resident) and `grantsRiverside` of the small ward consent, so the first ward is released and the second suppressed.
 */
export async function prepareDemoWorld(
  demo: DemoProcess,
  dataDir: string,
  options: { grantsCentral: number; grantsRiverside: number },
): Promise<DemoWorld> {
  const identities = (await readIdentities(dataDir))!;
  const fixtures = await readFixtureSet(FIXTURES_DIR);
  const areaOf = new Map(fixtures.homes.map((home) => [home.id, home.area]));
  const residents: WorldResident[] = identities.residents.map((resident) => ({
    ...resident,
    area: areaOf.get(resident.home) ?? '',
  }));

  let broker: RunningBroker | undefined;
  if (!demo.manifest.broker) {
    broker = await startBroker(
      {
        port: demo.brokerPort,
        issuer: identities.broker.issuer,
        webId: identities.broker.webId,
        clientId: identities.broker.clientId,
        clientSecret: identities.broker.clientSecret,
        dbDir: join(dataDir, 'e2e-broker-db'),
      },
      { logger: createLogger('broker', 'warn') },
    );
  }
  const brokerUrl = demo.manifest.broker ?? broker!.url;
  const council = demo.manifest.councils[0] ?? (await addCouncil(broker!.db, 'Northbridge Borough Council'));

  const headers = { authorization: `Bearer ${council.apiKey}`, 'content-type': 'application/json' };
  const own = (await (await fetch(`${brokerUrl}api/council/requests`, { headers })).json()) as {
    requests: { id: string }[];
  };
  let requestId = own.requests[0]?.id;
  if (!requestId) {
    const filed = await fetch(`${brokerUrl}api/requests`, {
      method: 'POST',
      headers,
      body: JSON.stringify(FIXTURE_REQUEST),
    });
    if (filed.status !== 201) throw new Error(`filing the fixture request failed: ${await filed.text()}`);
    requestId = ((await filed.json()) as { id: string }).id;
  }

  const central = residents.filter((resident) => resident.area === CENTRAL);
  const riverside = residents.filter((resident) => resident.area === RIVERSIDE);
  const browserResident = central[0]!;
  const granting = [
    ...central.slice(1, 1 + options.grantsCentral),
    ...riverside.slice(0, options.grantsRiverside),
  ];
  await eachLimited([browserResident, ...granting], 4, async (resident) => {
    const agent = await loginResident(resident);
    try {
      await writeJanuarySummaries(agent, resident.pod, resident.home);
      if (resident === browserResident) {
        await writeLastDayReadings(agent, resident.pod, resident.home);
        return;
      }
      const context = { session: agent, broker: new BrokerClient(brokerUrl, agent.fetch), pod: resident.pod };
      const record = await readTurtle(agent.fetch, new PodLayout(resident.pod).consentDocument(requestId));
      if (!record) await grantConsent(context, requestId);
    } finally {
      await agent.logout();
    }
  });

  return {
    brokerUrl,
    brokerWebId: identities.broker.webId,
    council: { name: council.name, apiKey: council.apiKey },
    requestId,
    browserResident,
    identities,
    stop: async () => {
      await broker?.stop();
    },
  };
}
