// Provisions the fixture population on a pod server: accounts, pods, WebIDs, client credentials and pod layout.
import type { FixtureSet, FixtureHome } from '../fixtures/index.ts';
import { mapLimited } from '../bounded-concurrency.ts';
import {
  AccountApi,
  type AccessControlSystem,
  type Identity,
  loginWithClientCredentials,
  setUpHomedataPod,
} from '../pod/index.ts';
import type { Logger } from '../logging.ts';
import { PodError } from '../errors.ts';
import type { DemoIdentities } from './demo-files.ts';

/** CSS spends most of an account creation in its own CPU; more than a few at once only queues (measured). */
const PROVISION_CONCURRENCY = 4;

type ProvisionedResident = DemoIdentities['residents'][number];

/**
 * Creates one home's resident and sets the resident's pod up as homedata expects, granting the home's gateway
 * (by the WebID its account will have) Append on readings and summaries, and the broker Append on the inbox.
 */
async function provisionResident(
  api: AccountApi,
  home: FixtureHome,
  fresh: boolean,
  brokerWebId: string,
  access: AccessControlSystem,
): Promise<ProvisionedResident> {
  const resident = await api.provision(
    { email: home.email, password: home.password, podName: home.podName },
    { fresh },
  );
  const session = await loginWithClientCredentials(resident);
  try {
    await setUpHomedataPod(
      session,
      resident.pod,
      { area: home.area, dwellingType: home.dwellingType, timeZone: home.timeZone, rooms: home.rooms },
      home.devices,
      api.webIdOf(home.gateway.podName),
      { brokerWebId, access },
    );
  } finally {
    await session.logout();
  }
  return { ...resident, home: home.id, password: home.password };
}

/** Creates one home's gateway account; its WebID must be the one the resident's pod already grants. */
async function provisionGateway(api: AccountApi, home: FixtureHome, fresh: boolean): Promise<Identity> {
  const gateway = await api.provision(home.gateway, { fresh });
  if (gateway.webId !== api.webIdOf(home.gateway.podName)) {
    throw new PodError(`Gateway ${home.gateway.podName} got WebID ${gateway.webId}, not the one granted`, {
      url: gateway.webId,
    });
  }
  return gateway;
}

/**
 * Provisions every fixture identity (each resident, each home's gateway, the broker) and each resident's pod.
 * Reuses saved identities when they were made for the same server and population, so a restart is quick.
 * `freshServer` says the pod server started on empty storage: no account can exist yet, so none is looked for
 * (otherwise, after a first start stopped part-way, existing accounts are found by their password login).
 * The broker comes first, then residents and their pods: `onResidentsReady` hears of them before the gateways.
 */
export async function provisionFixtures(
  server: string,
  fixtures: FixtureSet,
  saved: DemoIdentities | null,
  log: Logger,
  {
    freshServer,
    access,
    onResidentsReady,
  }: {
    freshServer: boolean;
    /** The pod server's authorization system, which the demo chose: no pod needs to be asked. */
    access: AccessControlSystem;
    onResidentsReady?: (residents: ProvisionedResident[], broker: Identity) => Promise<void>;
  },
): Promise<DemoIdentities> {
  if (saved && saved.podServer === server && saved.homes === fixtures.homes.length) {
    log.info({ homes: saved.homes }, 'reusing provisioned demo identities');
    return saved;
  }
  const api = new AccountApi(server);
  const started = Date.now();
  const broker: Identity = await api.provision(fixtures.broker, { fresh: freshServer });
  const residents = await mapLimited(fixtures.homes, PROVISION_CONCURRENCY, (home) =>
    provisionResident(api, home, freshServer, broker.webId, access),
  );
  log.info(
    { homes: residents.length, ms: Date.now() - started },
    'provisioned demo residents and their pods',
  );
  await onResidentsReady?.(residents, broker);
  const gateways = await mapLimited(fixtures.homes, PROVISION_CONCURRENCY, (home) =>
    provisionGateway(api, home, freshServer),
  );
  log.info({ ms: Date.now() - started }, 'provisioned demo gateways');
  return {
    podServer: server,
    homes: fixtures.homes.length,
    residents,
    gateways: gateways.map((gateway, index) => ({ ...gateway, home: residents[index]!.webId })),
    broker,
    councils: [],
    historySeeded: false,
  };
}
