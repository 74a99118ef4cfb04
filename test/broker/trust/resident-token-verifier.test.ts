import { createHash, randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type GenerateKeyPairResult,
  type JWK,
} from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/broker/db/database.ts';
import { claimProof, pruneExpiredProofs } from '../../../src/broker/trust/dpop-replay.ts';
import { createResidentTokenVerifier } from '../../../src/broker/trust/resident-token-verifier.ts';
import {
  trustConfigSchema,
  trustPolicyOf,
  type TrustConfigInput,
} from '../../../src/broker/trust/trust-policy.ts';
import { createLogger } from '../../../src/logging.ts';
import { SOLID } from '../../../src/vocab/namespaces.ts';
import { startHostileServer, type HostileServer } from '../../helpers/hostile-server.ts';
import { openMemoryDatabase } from '../../helpers/memory-database.ts';

// A loopback server plays a trusted identity provider and pod server, so that tokens can be signed here.
let idp: HostileServer;
let other: HostileServer;
let db: Database;
let issuerKey: GenerateKeyPairResult;
let proofKey: GenerateKeyPairResult;
let proofJwk: JWK;
const logger = createLogger('verifier-test', 'silent');
const API = 'http://localhost:1/api/residents/me/consents';

const webIdOf = () => `${idp.url}alice/profile/card#me`;

function verifierWith(trust: Partial<TrustConfigInput> = {}) {
  const config = trustConfigSchema.parse({ issuers: [idp.url], podServers: [idp.url], ...trust });
  return createResidentTokenVerifier({ trust: trustPolicyOf(config, idp.url), db, logger });
}

interface Minted {
  authorization: string;
  proof: string;
}

/** A token from the loopback issuer and a proof for GET `API`, with claims overridden as a test needs. */
async function mint(
  options: {
    clientId?: string;
    iat?: number;
    ath?: 'right' | 'wrong' | 'none';
    jti?: string;
    signWith?: GenerateKeyPairResult;
  } = {},
): Promise<Minted> {
  const token = await new SignJWT({
    webid: webIdOf(),
    client_id: options.clientId ?? 'https://app.example/id',
    cnf: { jkt: await calculateJwkThumbprint(proofJwk) },
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(idp.url)
    .setAudience('solid')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign((options.signWith ?? issuerKey).privateKey);
  const ath =
    options.ath === 'wrong'
      ? createHash('sha256').update('another token').digest('base64url')
      : options.ath === 'right'
        ? createHash('sha256').update(token).digest('base64url')
        : undefined;
  const proof = await new SignJWT({ htu: API, htm: 'GET', jti: options.jti ?? randomUUID(), ath })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: proofJwk })
    .setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000))
    .sign(proofKey.privateKey);
  return { authorization: `DPoP ${token}`, proof };
}

const verifyWith = (verify: ReturnType<typeof verifierWith>, { authorization, proof }: Minted) =>
  verify(authorization, { header: proof, method: 'GET', url: API });

beforeAll(async () => {
  [idp, other, db, issuerKey, proofKey] = await Promise.all([
    startHostileServer(),
    startHostileServer(),
    openMemoryDatabase(),
    generateKeyPair('ES256'),
    generateKeyPair('ES256'),
  ]);
  proofJwk = await exportJWK(proofKey.publicKey);
  // PGlite's first open and the migrations take a few seconds on a busy machine.
}, 60_000);
afterAll(async () => {
  await Promise.all([idp?.stop(), other?.stop(), db?.close()]);
});
beforeEach(async () => {
  const jwk = { ...(await exportJWK(issuerKey.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  idp.on('/alice/profile/card', {
    kind: 'answer',
    status: 200,
    body: `<#me> <${SOLID('oidcIssuer')}> <${idp.url}>, <${other.url}>.\n`,
  });
  idp.on('/.well-known/openid-configuration', {
    kind: 'answer',
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ issuer: idp.url, jwks_uri: `${idp.url}jwks` }),
  });
  idp.on('/jwks', {
    kind: 'answer',
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ keys: [jwk] }),
  });
});

describe('createResidentTokenVerifier', () => {
  it('accepts a token from a trusted issuer with a fresh proof, fetching profile and keys once', async () => {
    const verify = verifierWith();
    const before = idp.requests.length;
    expect((await verifyWith(verify, await mint())).webid).toBe(webIdOf());
    expect((await verifyWith(verify, await mint())).webid).toBe(webIdOf());
    expect(idp.requests.slice(before).map((request) => request.path)).toEqual([
      '/.well-known/openid-configuration',
      '/jwks',
      '/alice/profile/card',
    ]);
  });

  it('checks the signature before it reads the WebID profile, so a forged token costs no profile request', async () => {
    const verify = verifierWith();
    const forged = await mint({ signWith: await generateKeyPair('ES256') });
    const before = idp.requests.length;
    await expect(verifyWith(verify, forged)).rejects.toThrow('signature verification failed');
    expect(idp.requests.slice(before).map((request) => request.path)).not.toContain('/alice/profile/card');
  });

  it('refuses a proof used before, by this verifier or another on the same database', async () => {
    const request = await mint();
    await verifyWith(verifierWith(), request);
    await expect(verifyWith(verifierWith(), request)).rejects.toThrow('used before');
  });

  it('refuses a proof older than its window or dated in the future, which the library alone accepts', async () => {
    const now = Math.floor(Date.now() / 1000);
    const verify = verifierWith();
    await expect(verifyWith(verify, await mint({ iat: now - 100 }))).rejects.toThrow('too old');
    await expect(verifyWith(verify, await mint({ iat: now + 60 }))).rejects.toThrow('future');
    await verifyWith(verify, await mint({ iat: now - 80 }));
  });

  it('requires ath when the operator says so, and always refuses a wrong one', async () => {
    const strict = verifierWith({ requireAccessTokenHash: true });
    await expect(verifyWith(strict, await mint({ ath: 'none' }))).rejects.toThrow('ath');
    await expect(verifyWith(strict, await mint({ ath: 'wrong' }))).rejects.toThrow();
    await verifyWith(strict, await mint({ ath: 'right' }));
    await verifyWith(verifierWith(), await mint({ ath: 'none' }));
  });

  it('accepts only listed client ids when the operator lists them', async () => {
    const listed = verifierWith({ residentClientIds: ['https://app.example/id'] });
    await verifyWith(listed, await mint());
    await expect(verifyWith(listed, await mint({ clientId: 'https://other.example/id' }))).rejects.toThrow(
      'app this broker does not accept',
    );
  });

  it('does not fetch keys from an origin the operator does not trust', async () => {
    idp.on('/.well-known/openid-configuration', {
      kind: 'answer',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ issuer: idp.url, jwks_uri: `${other.url}jwks` }),
    });
    await expect(verifyWith(verifierWith(), await mint())).rejects.toThrow(
      'not on a server this broker trusts',
    );
    expect(other.requests).toEqual([]);
  });

  it('refuses a discovery document that names another issuer', async () => {
    idp.on('/.well-known/openid-configuration', {
      kind: 'answer',
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ issuer: other.url, jwks_uri: `${idp.url}jwks` }),
    });
    await expect(verifyWith(verifierWith(), await mint())).rejects.toThrow('another issuer');
  });

  it('does not follow a redirect from the WebID profile', async () => {
    idp.on('/alice/profile/card', { kind: 'redirect', location: `${other.url}card` });
    await expect(verifyWith(verifierWith(), await mint())).rejects.toThrow('redirect');
    expect(other.requests).toEqual([]);
  });

  it('refuses a token from an issuer the WebID lists but the operator does not trust, with no request', async () => {
    const verify = verifierWith({ issuers: [other.url] });
    const before = idp.requests.length;
    await expect(verifyWith(verify, await mint())).rejects.toThrow('issuer is not trusted');
    expect(idp.requests.length).toBe(before);
    expect(other.requests).toEqual([]);
  });
});

describe('the replay cache failing', () => {
  it('is a 500 error of the broker, not a refused token', async () => {
    const broken = {
      ...db,
      query: () => Promise.reject(new Error('connection terminated')),
    } as unknown as Database;
    const config = trustConfigSchema.parse({ issuers: [idp.url], podServers: [idp.url] });
    const verify = createResidentTokenVerifier({ trust: trustPolicyOf(config, idp.url), db: broken, logger });
    await expect(verifyWith(verify, await mint())).rejects.toMatchObject({
      status: 500,
      problem: 'internal',
    });
  });
});

describe('dpop_replay', () => {
  it('claims a proof once, takes over an expired row and prunes expired rows', async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const later = new Date(at.getTime() + 60_000);
    expect(await claimProof(db, 'digest-a', later, at)).toBe(true);
    expect(await claimProof(db, 'digest-a', later, at)).toBe(false);
    // At the instant it expires the proof is still acceptable, so the row still counts; a moment later it is stale.
    expect(await claimProof(db, 'digest-a', new Date(later.getTime() + 60_000), later)).toBe(false);
    const after = new Date(later.getTime() + 1);
    expect(await claimProof(db, 'digest-a', new Date(later.getTime() + 60_000), after)).toBe(true);
    expect(await claimProof(db, 'digest-b', later, at)).toBe(true);
    expect(await pruneExpiredProofs(db, later)).toBe(0);
    expect(await pruneExpiredProofs(db, after)).toBe(1);
  });
});
