// The signing keys of a trusted OIDC issuer: its discovery document and JWKS, fetched only from trusted origins.
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { AuthenticationError } from '../../errors.ts';
import { ExpiringCache } from './expiring-cache.ts';
import { guardedFetch, type OutboundRules } from './guarded-fetch.ts';
import { isTrustedIssuer, issuerOrigins, normaliseIssuer, type TrustPolicy } from './trust-policy.ts';
import { VERIFIER_CACHE_ENTRIES, VERIFIER_CACHE_TTL_MS, verifierRules } from './verifier-outbound.ts';

/** An issuer that rotated its keys is asked again, but not more often than this (a token naming an unknown kid). */
const KEY_REFRESH_COOLDOWN_MS = 30_000;

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url({ protocol: /^https?$/ }) });
const jwksSchema = z.object({ keys: z.array(z.object({ kty: z.string() }).loose()).min(1) });

/** An issuer's keys as last fetched. */
interface FetchedKeys {
  readonly keys: JWTVerifyGetKey;
  readonly fetchedAt: number;
}

/** GETs a JSON document through `guardedFetch`; any failure is one fixed refusal. */
async function fetchJson(fetchImpl: typeof fetch, url: string, rules: OutboundRules): Promise<unknown> {
  const response = await guardedFetch(fetchImpl, url, { headers: { accept: 'application/json' } }, rules);
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new AuthenticationError('The issuer did not publish its keys', { status: response.status });
  }
  try {
    return JSON.parse(await response.text());
  } catch {
    throw new AuthenticationError('The issuer published keys that are not JSON');
  }
}

/**
 * Makes the verifier's `keySet` look-up. Only a trusted issuer is asked; its discovery document must name that
 * same issuer, and its `jwks_uri` must lie on a trusted issuer's or pod server's origin. Both are fetched through
 * `guardedFetch` and the keys cached for a bounded time; a token signed with a key the cached set lacks makes the
 * broker fetch the set again at most once per cool-down.
 */
export function createIssuerKeys(
  trust: TrustPolicy,
  fetchImpl: typeof fetch,
  now: () => number = Date.now,
): (iss: string) => Promise<JWTVerifyGetKey> {
  const discoveryRules = verifierRules(issuerOrigins(trust), trust.allowPrivateNetwork);
  const keyRules = verifierRules(
    new Set([...issuerOrigins(trust), ...trust.podOrigins]),
    trust.allowPrivateNetwork,
  );
  const cache = new ExpiringCache<FetchedKeys>({
    ttlMs: VERIFIER_CACHE_TTL_MS,
    maxEntries: VERIFIER_CACHE_ENTRIES,
    now,
  });

  const load = async (issuer: string): Promise<FetchedKeys> => {
    const discovery = discoverySchema.safeParse(
      await fetchJson(fetchImpl, `${issuer}/.well-known/openid-configuration`, discoveryRules),
    );
    if (!discovery.success || normaliseIssuer(discovery.data.issuer) !== issuer) {
      throw new AuthenticationError('The issuer published a discovery document for another issuer');
    }
    const jwks = jwksSchema.safeParse(await fetchJson(fetchImpl, discovery.data.jwks_uri, keyRules));
    if (!jwks.success) throw new AuthenticationError('The issuer published no usable keys');
    return { keys: createLocalJWKSet(jwks.data as JSONWebKeySet), fetchedAt: now() };
  };

  return async (iss) => {
    if (!isTrustedIssuer(trust, iss)) throw new AuthenticationError('The token issuer is not trusted');
    const issuer = normaliseIssuer(iss);
    return async (header, token) => {
      const current = await cache.get(issuer, () => load(issuer));
      try {
        return await current.keys(header, token);
      } catch (error) {
        if (
          !(error instanceof errors.JWKSNoMatchingKey) ||
          now() - current.fetchedAt < KEY_REFRESH_COOLDOWN_MS
        ) {
          throw error;
        }
        cache.delete(issuer);
        return (await cache.get(issuer, () => load(issuer))).keys(header, token);
      }
    };
  };
}
