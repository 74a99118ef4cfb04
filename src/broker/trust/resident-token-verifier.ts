// Verifies a resident's Solid-OIDC DPoP-bound token against the operator's trust list, with a shared replay cache.
import { createHash } from 'node:crypto';
import {
  createSolidTokenVerifier,
  type DPoPOptions,
  type SolidAccessTokenPayload,
  type SolidTokenVerifierFunction,
} from '@solid/access-token-verifier';
import { decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { AuthenticationError, HomedataError } from '../../errors.ts';
import type { Logger } from '../../logging.ts';
import type { Queryable } from '../db/database.ts';
import { withoutUrls } from '../../http-problem.ts';
import { claimProof, proofDigest, pruneExpiredProofs } from './dpop-replay.ts';
import { createIssuerKeys } from './issuer-keys.ts';
import { isTrustedIssuer, isTrustedPodUrl, type TrustPolicy } from './trust-policy.ts';
import { createWebIdIssuers } from './webid-issuers.ts';

/**
 * How old a DPoP proof may be. A client signs a proof for each request just before sending it, so a minute is
 * plenty; the library's own limit is 120 s plus 120 s of tolerance (`access-token-verifier/dist/config`).
 */
export const PROOF_MAX_AGE_S = 60;

/**
 * Clock skew allowed between a resident's device and the broker, for proofs and tokens. The review asks for 5–30 s
 * (docs/security.md, L1): the replay cache, not this window, stops a replay; the window bounds how long proofs are
 * kept.
 */
export const CLOCK_TOLERANCE_S = 30;

/** How often expired proofs are deleted from `dpop_replay`. */
const PRUNE_EVERY_MS = 60_000;

/** What the verifier needs from the broker. */
export interface ResidentTokenVerifierDeps {
  trust: TrustPolicy;
  /** Where used proofs are recorded; shared by every broker process on the database. */
  db: Queryable;
  logger: Logger;
  /**
   * Milliseconds since the epoch; default `Date.now`. Not the broker's business clock (which tests move to see
   * consents expire): tokens and proofs are dated by the real clocks of the resident's device and the issuer.
   */
  now?: () => number;
  /** The fetch used for WebID profiles and issuer keys (always through `guardedFetch`); default global fetch. */
  fetch?: typeof fetch;
}

/** A token's claims, read without checking its signature: only to decide whether to look further. */
function unverifiedClaims(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch {
    throw new AuthenticationError('The access token is not a JWT');
  }
}

/** The signing algorithms Solid-OIDC tokens may use (as `@solid/access-token-verifier` allows). */
const TOKEN_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'];

/** The base64url SHA-256 of the access token, as a proof's `ath` carries it (RFC 9449, section 4.2). */
function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

/**
 * Makes the broker's resident token verifier (docs/security.md: H1, M2, L1, L2):
 * 1. the unverified `iss` must be a trusted issuer and the `webid` lie on a trusted pod server, or the token is
 *    refused before any request is made; then the token's signature is checked with that issuer's keys;
 * 2. `@solid/access-token-verifier` then checks the WebID's issuers, the token and the DPoP proof, with `issuers`
 *    and `keySet` look-ups that fetch only trusted origins through `guardedFetch`;
 * 3. the proof must be at most `PROOF_MAX_AGE_S` old (± `CLOCK_TOLERANCE_S`), carry `ath` if the operator requires
 *    it, and be used once: its `jti` is claimed in the database, so several brokers share the cache;
 * 4. with `trust.residentClientIds`, the token's `client_id` (or `azp`) must be listed.
 * Every refusal is an `AuthenticationError`; the reason is logged at debug level without URLs.
 */
export function createResidentTokenVerifier(deps: ResidentTokenVerifierDeps): SolidTokenVerifierFunction {
  const { trust, db, logger } = deps;
  const fetchImpl = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  const webIdIssuers = createWebIdIssuers(trust, fetchImpl, now);
  const issuerKeys = createIssuerKeys(trust, fetchImpl, now);
  // The library takes its look-ups as objects with these methods (`class/SolidTokenVerifier.js`); it never uses
  // their cache behaviour. Its own jti cache is per process and forgets after 120 s, so ours replaces it.
  const libraryVerify = createSolidTokenVerifier(
    { isDuplicateJTI: () => false } as never,
    { getKeySet: issuerKeys } as never,
    { getIssuers: webIdIssuers } as never,
  );
  let prunedAt = 0;

  /** Claims a proof in `dpop_replay`; a database failure is the broker's, so it is a 500, not a refused token. */
  const firstUse = async (digest: string, expiresAt: Date, at: Date): Promise<boolean> => {
    try {
      if (at.getTime() - prunedAt > PRUNE_EVERY_MS) {
        prunedAt = at.getTime();
        await pruneExpiredProofs(db, at);
      }
      return await claimProof(db, digest, expiresAt, at);
    } catch (error) {
      throw new HomedataError('internal', 500, 'The DPoP replay cache could not be reached', {}, error);
    }
  };

  const verify = async (authorization: string, dpop?: DPoPOptions): Promise<SolidAccessTokenPayload> => {
    const token = /^DPoP\s+(\S+)$/.exec(authorization)?.[1];
    if (!token) throw new AuthenticationError('Not a DPoP authorization header');
    if (!dpop) throw new AuthenticationError('A DPoP proof is required');
    const claims = unverifiedClaims(token);
    if (!isTrustedIssuer(trust, claims.iss)) throw new AuthenticationError('The token issuer is not trusted');
    if (typeof claims.webid !== 'string' || !isTrustedPodUrl(trust, claims.webid)) {
      throw new AuthenticationError('The WebID is not on a trusted pod server');
    }
    // The signature first, with the issuer's cached keys: a forged token then costs the broker no request for a
    // WebID profile (the library reads the profile before it checks the signature). Expiry with our tolerance.
    await jwtVerify(token, await issuerKeys(claims.iss), {
      audience: 'solid',
      algorithms: TOKEN_ALGORITHMS,
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: new Date(now()),
    });

    const payload = await libraryVerify(authorization, { ...dpop, isDuplicateJTI: () => false });
    const at = now();

    // The library has checked the proof's signature, key binding, method and URL; these are its claims.
    const proof = decodeJwt(dpop.header);
    const iat = proof.iat;
    if (typeof iat !== 'number' || iat > at / 1000 + CLOCK_TOLERANCE_S) {
      throw new AuthenticationError('The DPoP proof is dated in the future');
    }
    if (iat < at / 1000 - PROOF_MAX_AGE_S - CLOCK_TOLERANCE_S) {
      throw new AuthenticationError('The DPoP proof is too old');
    }
    if (proof.ath === undefined ? trust.requireAccessTokenHash : proof.ath !== accessTokenHash(token)) {
      throw new AuthenticationError('The DPoP proof is not bound to this access token (ath)');
    }
    if (trust.residentClientIds) {
      const clientId = payload.client_id ?? (payload as { azp?: unknown }).azp;
      if (typeof clientId !== 'string' || !trust.residentClientIds.has(clientId)) {
        throw new AuthenticationError('The token was issued to an app this broker does not accept');
      }
    }
    const jkt = payload.cnf?.jkt;
    if (typeof proof.jti !== 'string' || proof.jti.length === 0 || proof.jti.length > 256 || !jkt) {
      throw new AuthenticationError('The DPoP proof has no usable jti');
    }
    const expiresAt = new Date((iat + PROOF_MAX_AGE_S + CLOCK_TOLERANCE_S) * 1000);
    if (!(await firstUse(proofDigest(jkt, proof.jti), expiresAt, new Date(at)))) {
      throw new AuthenticationError('The DPoP proof was used before');
    }
    return payload;
  };

  return async (authorization, dpop) => {
    try {
      return await verify(authorization, dpop);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      logger.debug({ reason: withoutUrls(reason) }, 'resident token refused');
      throw error;
    }
  };
}
