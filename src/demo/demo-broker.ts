// The demo's broker side: the broker itself, the fixture councils, one open council request, and residents' answers.
import { join } from 'node:path';
import {
  addCouncil,
  enrolHome,
  listEnrolledHomes,
  removeHome,
  startBroker,
  type RunningBroker,
} from '../broker/index.ts';
import { BrokerClient, grantConsent, listConsents } from '../consent/index.ts';
import type { FixtureSet } from '../fixtures/index.ts';
import { pagesRouter } from '../web/index.ts';
import { HomedataError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import { loginWithClientCredentials } from '../pod/index.ts';
import { DPV } from '../vocab/index.ts';
import { BROKER_DB_FOLDER, type DemoIdentities } from './demo-files.ts';
import type { LeaderConfig } from '../broker/index.ts';
import { mapLimited } from '../bounded-concurrency.ts';

/** The request the first fixture council has open in the demo: last winter's damp and cold homes. */
export function fixtureRequest(fixtures: FixtureSet) {
  const council = fixtures.councils[0]!;
  return {
    title: 'Damp and cold homes, winter 2026',
    purpose: DPV('ImprovePublicServices'),
    description:
      `${council.name} wants to know how many homes in its wards had long spells of high humidity or ` +
      'temperatures below 18 °C last January, to plan damp and mould inspections and heating support.',
    metrics: [
      'damp.rh70.hours',
      'damp.rh80.hours',
      'damp.adf.daysFailed',
      'temperature.mean',
      'cold.below18.hours',
    ],
    areas: fixtures.areas.filter((area) => area.council === council.id).map((area) => area.code),
    period: { from: fixtures.period.from.slice(0, 10), to: '2026-01-31' },
    granularity: 'month' as const,
    minCohort: 10,
    consentUntil: '2027-12-31',
  };
}

/**
 * Starts the broker in process with the demo's broker identity and embedded database; with `privateAggregation`,
 * as Prio3 leader beside the demo's helper.
 */
export function startDemoBroker(
  dataDir: string,
  port: number,
  identities: Pick<DemoIdentities, 'broker'>,
  logger: Logger,
  privateAggregation?: LeaderConfig,
) {
  return startBroker(
    {
      port,
      issuer: identities.broker.issuer,
      webId: identities.broker.webId,
      clientId: identities.broker.clientId,
      clientSecret: identities.broker.clientSecret,
      dbDir: join(dataDir, BROKER_DB_FOLDER),
      // Made 0600 with 32 random bytes on the demo's first start; outside the database folder.
      auditKeyFile: join(dataDir, 'broker-audit.key'),
      // A council trying webhooks on the demo points them at a receiver on this machine.
      webhooks: { allowHttpLoopback: true },
      ...(privateAggregation === undefined ? {} : { privateAggregation }),
    },
    { logger, pages: pagesRouter({ issuer: identities.broker.issuer }) },
  );
}

/** Creates the fixture councils that have no key yet; returns every council with its key. */
export async function ensureCouncils(
  broker: RunningBroker,
  fixtures: FixtureSet,
  identities: DemoIdentities,
) {
  const councils = [...identities.councils];
  for (const council of fixtures.councils) {
    if (councils.some((known) => known.name === council.name)) continue;
    const { apiKey } = await addCouncil(broker.db, council.name);
    councils.push({ name: council.name, apiKey });
  }
  return councils;
}

/** The demo's home id of a fixture home, e.g. `demo-home-01` (a real operator would use the UPRN). */
export function demoHomeId(fixtureHomeId: string): string {
  return `demo-${fixtureHomeId}`;
}

/**
 * Enrols every fixture home in the broker's home register (its pod, its gateway, its resident, its area), as an operator
 * does with `homedata home enrol`, before any resident consents. A home already enrolled as it should be is left
 * alone, so a restart does not fail; one enrolled with an old pod (the pods were provisioned again) is replaced.
 * Returns how many homes were enrolled now.
 */
export async function ensureHomes(
  broker: Pick<RunningBroker, 'db'>,
  identities: Pick<DemoIdentities, 'residents' | 'gateways'>,
  areaOf: ReadonlyMap<string, string> = new Map(),
): Promise<number> {
  const enrolled = new Map((await listEnrolledHomes(broker.db)).map((home) => [home.home_id, home]));
  let added = 0;
  for (const [index, resident] of identities.residents.entries()) {
    const wanted = {
      homeId: demoHomeId(resident.home),
      pod: new URL(resident.pod).href,
      gatewayWebId: identities.gateways[index]!.webId,
      residentWebId: resident.webId,
      area: areaOf.get(resident.home),
    };
    const known = enrolled.get(wanted.homeId);
    if (
      known?.pod === wanted.pod &&
      known.gateway_webid === wanted.gatewayWebId &&
      known.resident_webid === wanted.residentWebId &&
      known.area === (wanted.area ?? null)
    ) {
      continue;
    }
    if (known) await removeHome(broker.db, wanted.homeId);
    await enrolHome(broker.db, wanted);
    added++;
  }
  return added;
}

/** Files the fixture request as the first council, unless that council already has it; returns its id. */
export async function ensureFixtureRequest(
  broker: RunningBroker,
  fixtures: FixtureSet,
  apiKey: string,
  body: ReturnType<typeof fixtureRequest> & { aggregation?: 'prio3' } = fixtureRequest(fixtures),
) {
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const mine = await fetch(new URL('api/council/requests', broker.url), { headers });
  const existing = ((await mine.json()) as { requests?: { id: string; title: string }[] }).requests ?? [];
  const found = existing.find((request) => request.title === body.title);
  if (found) return found.id;
  const created = await fetch(new URL('api/requests', broker.url), {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  if (created.status !== 201) {
    const answer = await created.text();
    throw new HomedataError('demo-setup', 502, `Filing the demo request failed: ${answer}`, {
      status: created.status,
    });
  }
  return ((await created.json()) as { id: string }).id;
}

/**
 * Residents of the request's areas answer it, each with their own session, as they would on the resident page:
 * all grant except resident 1, whose choice is left to whoever tries the demo.
 */
export async function answerAsResidents(
  broker: RunningBroker,
  fixtures: FixtureSet,
  identities: DemoIdentities,
  requestId: string,
): Promise<number> {
  const areas = new Set(fixtureRequest(fixtures).areas);
  const homes = new Map(fixtures.homes.map((home) => [home.id, home]));
  const granting = identities.residents
    .slice(1)
    .filter((resident) => areas.has(homes.get(resident.home)?.area ?? ''));
  const granted = await mapLimited(granting, 4, async (resident) => {
    const session = await loginWithClientCredentials(resident);
    try {
      const context = { session, broker: new BrokerClient(broker.url, session.fetch), pod: resident.pod };
      const listings = await listConsents(context);
      if (listings.some((listing) => listing.requestId === requestId && listing.standing !== 'unanswered'))
        return 0;
      await grantConsent(context, requestId);
      return 1;
    } finally {
      await session.logout();
    }
  });
  return granted.reduce<number>((sum, count) => sum + count, 0);
}
