// Attacks on resident sign-in: tokens from identity providers the operator does not trust, and replayed requests.
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, vi } from 'vitest';
import {
  openBrokerDatabase,
  startBroker,
  type BrokerConfigInput,
  type Database,
  type RunningBroker,
} from '../../src/broker/index.ts';
import { createLogger } from '../../src/logging.ts';
import { findFreePort } from '../../src/free-port.ts';
import { SOLID } from '../../src/vocab/namespaces.ts';
import { startHostileServer, type HostileServer } from '../helpers/hostile-server.ts';
import { createActor, type TestActor } from '../helpers/identities.ts';
import { pgliteScenarioDatabase, type ScenarioDatabase } from '../helpers/scenario-databases.ts';
import { attack } from './attack.ts';

const OWN_CONSENTS = 'api/residents/me/consents';

/** A token and proof the attacker signs with keys of their own, naming any issuer and WebID they like. */
async function selfIssuedRequest(iss: string, webid: string, url: string): Promise<Record<string, string>> {
  const issuerKey = await generateKeyPair('ES256');
  const proofKey = await generateKeyPair('ES256');
  const jwk = await exportJWK(proofKey.publicKey);
  const token = await new SignJWT({
    webid,
    client_id: 'attacker-app',
    cnf: { jkt: await calculateJwkThumbprint(jwk) },
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'attacker' })
    .setIssuer(iss)
    .setAudience('solid')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(issuerKey.privateKey);
  const ath = createHash('sha256').update(token).digest('base64url');
  const proof = await new SignJWT({ htu: url, htm: 'GET', jti: randomUUID(), ath })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .setIssuedAt()
    .sign(proofKey.privateKey);
  return { authorization: `DPoP ${token}`, dpop: proof };
}

/** A TCP listener standing for an internal service (Redis, a metadata endpoint): counts connections made to it. */
async function startInternalService(): Promise<{
  url: string;
  connections: () => number;
  stop(): Promise<void>;
}> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    connections: () => connections,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Asserts the fixed 401 answer, which names nothing the broker saw upstream. */
async function expectRefused(response: Response): Promise<void> {
  const problem = (await response.json()) as { status: number; detail: string };
  expect({ status: response.status, detail: problem.detail }).toEqual({
    status: 401,
    detail: 'Access token refused',
  });
}

describe('resident sign-in attacks', () => {
  const server = inject('podServer');
  const logger = createLogger('fake-identity-test', 'silent');
  let database: ScenarioDatabase;
  let db: Database;
  let brokerActor: TestActor;
  let resident: TestActor;
  let hostile: HostileServer;
  let internal: Awaited<ReturnType<typeof startInternalService>>;
  const brokers: RunningBroker[] = [];

  /** Starts a broker on the shared database, as the same broker identity; all stop after the file. */
  async function brokerWith(config: Partial<BrokerConfigInput> = {}): Promise<RunningBroker> {
    const broker = await startBroker(
      {
        port: 0,
        issuer: server,
        webId: brokerActor.identity.webId,
        clientId: brokerActor.identity.clientId,
        clientSecret: brokerActor.identity.clientSecret,
        rateLimit: { windowMs: 60_000, max: 10_000 },
        ...config,
      },
      { db, agent: brokerActor.agent, logger },
    );
    brokers.push(broker);
    return broker;
  }

  /** Sends one request as the resident through their real Solid session and captures the headers it carried. */
  async function residentRequest(
    broker: RunningBroker,
  ): Promise<{ status: number; headers: Record<string, string> }> {
    const realFetch = globalThis.fetch;
    let captured: Record<string, string> = {};
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      if (String(input).startsWith(broker.url)) captured = Object.fromEntries(new Headers(init?.headers));
      return realFetch(input, init);
    });
    try {
      const response = await resident.agent.fetch(`${broker.url}${OWN_CONSENTS}`);
      await response.body?.cancel();
      return { status: response.status, headers: captured };
    } finally {
      spy.mockRestore();
    }
  }

  beforeAll(async () => {
    [database, brokerActor, resident, hostile, internal] = await Promise.all([
      pgliteScenarioDatabase('homedata-fake-identity-'),
      createActor(server, 'broker'),
      createActor(server, 'resident'),
      startHostileServer(),
      startInternalService(),
    ]);
    db = await openBrokerDatabase(database.target);
  });

  afterAll(async () => {
    for (const broker of brokers) await broker.stop();
    await db?.close();
    await Promise.all([brokerActor, resident].map((actor) => actor?.agent.logout()));
    await Promise.all([hostile?.stop(), internal?.stop(), database?.dispose()]);
  });

  attack(
    {
      id: 'M2',
      attacker: 'anyone without an account',
      tried: 'a self-signed token whose issuer and WebID are the attacker’s own server',
      expected: '401 "Access token refused"; the broker makes no request to the attacker’s server',
    },
    async () => {
      const broker = await brokerWith();
      hostile.on('/profile/card', {
        kind: 'answer',
        status: 200,
        body: `<#me> <${SOLID('oidcIssuer')}> <${hostile.url}>.\n`,
      });
      const url = `${broker.url}${OWN_CONSENTS}`;
      const headers = await selfIssuedRequest(hostile.url, `${hostile.url}profile/card#me`, url);
      const response = await fetch(url, { headers });
      expect(hostile.requests).toEqual([]);
      await expectRefused(response);
    },
  );

  attack(
    {
      id: 'M2',
      attacker: 'anyone without an account',
      tried:
        'a token naming an internal service (like localhost:6379) as its issuer, to probe it from the broker',
      expected: '401 "Access token refused"; no connection to the internal service or the WebID’s server',
    },
    async () => {
      const broker = await brokerWith();
      hostile.on('/internal-issuer/card', {
        kind: 'answer',
        status: 200,
        body: `<#me> <${SOLID('oidcIssuer')}> <${internal.url}>.\n`,
      });
      const url = `${broker.url}${OWN_CONSENTS}`;
      const headers = await selfIssuedRequest(internal.url, `${hostile.url}internal-issuer/card#me`, url);
      const response = await fetch(url, { headers });
      expect(internal.connections()).toBe(0);
      expect(hostile.requests).toEqual([]);
      await expectRefused(response);
    },
  );

  attack(
    {
      id: 'L1',
      attacker: 'anyone who captured one resident request',
      tried:
        'send the same Authorization and DPoP proof again, to a second broker process on the same database',
      expected: '401: the proof’s jti is recorded in the shared database the first time it is used',
    },
    async () => {
      const first = await brokerWith();
      // A second process behind the same public URL, as several brokers behind one load balancer would be; its
      // own address is where the replay goes.
      const port = await findFreePort();
      await brokerWith({ port, publicUrl: first.url });
      const secondAddress = `http://localhost:${port}/`;
      const original = await residentRequest(first);
      expect(original.status).toBe(200);
      expect(original.headers.dpop).toEqual(expect.any(String));
      const replay = (base: string) =>
        fetch(`${base}${OWN_CONSENTS}`, {
          headers: { authorization: original.headers.authorization!, dpop: original.headers.dpop! },
        });
      await expectRefused(await replay(secondAddress));
      await expectRefused(await replay(first.url));
    },
  );

  attack(
    {
      id: 'L1',
      attacker: 'anyone who holds a resident’s proof key',
      tried: 'a DPoP proof without ath (not bound to one access token), where the operator requires ath',
      expected: '401 "Access token refused"',
    },
    async () => {
      const strict = await brokerWith({
        trust: { issuers: [server], podServers: [server], requireAccessTokenHash: true },
      });
      // The Inrupt client signs proofs without `ath`, so the resident's own request is the proof without it.
      const { headers, status } = await residentRequest(strict);
      expect(status).toBe(401);
      expect(decodeJwt(headers.dpop!).ath).toBeUndefined();
    },
  );

  attack(
    {
      id: 'L2',
      attacker: 'another Solid app the resident signed into',
      tried: 'use the resident’s token at the broker when the operator lists the resident app’s client ids',
      expected: '401 "Access token refused" for a client id not on the list',
    },
    async () => {
      const listed = await brokerWith({
        trust: { issuers: [server], podServers: [server], residentClientIds: ['https://app.example/id'] },
      });
      const refused = await residentRequest(listed);
      expect(refused.status).toBe(401);
      // The same token is accepted once its client id is listed: the check reads the right claim.
      const clientId = decodeJwt(refused.headers.authorization!.replace(/^DPoP /, '')).client_id as string;
      const allowing = await brokerWith({
        trust: { issuers: [server], podServers: [server], residentClientIds: [clientId] },
      });
      expect((await residentRequest(allowing)).status).toBe(200);
    },
  );
});
