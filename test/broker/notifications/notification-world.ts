// A broker on PGlite and residents with homedata pods on the shared test pod server, for the notification tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addCouncil, startBroker, type RunningBroker } from '../../../src/broker/index.ts';
import type { BrokerDeps } from '../../../src/broker/start-broker.ts';
import { BrokerClient, grantConsent } from '../../../src/consent/index.ts';
import { createLogger } from '../../../src/logging.ts';
import { setUpHomedataPod } from '../../../src/pod/homedata-pod.ts';
import type { PodLayout } from '../../../src/pod/pod-layout.ts';
import { createActor, type TestActor } from '../../helpers/identities.ts';
import { validRequest } from '../request-fixtures.ts';

/** A resident whose pod has the homedata layout, its home in `area`, the broker allowed to Append to its inbox. */
export interface NotifiedResident extends TestActor {
  layout: PodLayout;
}

/** Creates a resident with a homedata pod for a home in `area`. */
export async function createResident(
  server: string,
  role: string,
  area: string,
  brokerWebId: string,
): Promise<NotifiedResident> {
  const actor = await createActor(server, role);
  const home = { area, dwellingType: 'Flat' as const, timeZone: 'Europe/London', rooms: [] };
  const layout = await setUpHomedataPod(
    actor.agent,
    actor.identity.pod,
    home,
    [],
    'https://gateway.example/profile/card#me',
    { brokerWebId },
  );
  return { ...actor, layout };
}

/** A running broker in a temporary folder, a council to file requests, and how to stop both. */
export interface NotificationBroker {
  broker: RunningBroker;
  council: { id: string; apiKey: string };
  /** Files a request (`validRequest` with `overrides`) as the council; returns its id. */
  fileRequest(overrides?: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a broker as `brokerActor` trusting `server`, with a council. */
export async function startNotificationBroker(
  server: string,
  brokerActor: TestActor,
  deps: BrokerDeps = {},
): Promise<NotificationBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'homedata-notify-'));
  const broker = await startBroker(
    {
      port: 0,
      issuer: server,
      webId: brokerActor.identity.webId,
      clientId: brokerActor.identity.clientId,
      clientSecret: brokerActor.identity.clientSecret,
      dbDir: join(dir, 'db'),
      auditKeyFile: join(dir, 'broker-audit.key'),
    },
    { logger: createLogger('broker-test', 'silent'), ...deps },
  );
  const council = await addCouncil(broker.db, 'Northbridge Borough Council');
  return {
    broker,
    council,
    async fileRequest(overrides = {}) {
      const response = await fetch(`${broker.url}api/requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${council.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(validRequest(overrides)),
      });
      if (response.status !== 201) throw new Error(`request refused: ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    },
    async stop() {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Gives `resident`'s consent to `requestId` with the consent module (record, grants, broker told); returns the record. */
export async function consentAs(
  resident: NotifiedResident,
  brokerUrl: string,
  requestId: string,
): Promise<string> {
  await grantConsent(
    {
      session: resident.agent,
      broker: new BrokerClient(brokerUrl, resident.agent.fetch),
      pod: resident.identity.pod,
    },
    requestId,
  );
  return resident.layout.consentDocument(requestId);
}

/** The broker's state of a consent: `given`, `withdrawn`, or null when it has none. */
export async function consentState(
  broker: RunningBroker,
  requestId: string,
  residentWebId: string,
): Promise<string | null> {
  const rows = await broker.db.query<{ state: string }>(
    'SELECT state FROM consents WHERE request_id = $1 AND resident_webid = $2',
    [requestId, residentWebId],
  );
  return rows[0]?.state ?? null;
}
