// Which trusted OIDC issuers a resident's WebID profile names, read only from a trusted pod server.
import { DataFactory } from 'n3';
import { AuthenticationError } from '../../errors.ts';
import { SOLID, parseTurtle } from '../../vocab/index.ts';
import { ExpiringCache } from './expiring-cache.ts';
import { guardedFetch } from './guarded-fetch.ts';
import { isTrustedIssuer, isTrustedPodUrl, type TrustPolicy } from './trust-policy.ts';
import { VERIFIER_CACHE_ENTRIES, VERIFIER_CACHE_TTL_MS, verifierRules } from './verifier-outbound.ts';

const { namedNode } = DataFactory;

/**
 * Makes the verifier's `issuers` look-up: the `solid:oidcIssuer`s of a WebID, kept only when the operator trusts
 * them. A WebID outside the trusted pod servers is refused without a request; the profile is fetched through
 * `guardedFetch` (no redirects, deadline, byte cap) and the answer cached for a bounded time.
 */
export function createWebIdIssuers(
  trust: TrustPolicy,
  fetchImpl: typeof fetch,
  now: () => number = Date.now,
): (webId: string) => Promise<string[]> {
  const rules = verifierRules(trust.podOrigins, trust.allowPrivateNetwork);
  const cache = new ExpiringCache<string[]>({
    ttlMs: VERIFIER_CACHE_TTL_MS,
    maxEntries: VERIFIER_CACHE_ENTRIES,
    now,
  });

  const load = async (webId: string): Promise<string[]> => {
    const document = new URL(webId);
    document.hash = '';
    const response = await guardedFetch(
      fetchImpl,
      document.href,
      { headers: { accept: 'text/turtle' } },
      rules,
    );
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new AuthenticationError('The WebID profile could not be read', { status: response.status });
    }
    const store = parseTurtle(await response.text(), { baseIRI: document.href, source: 'WebID profile' });
    return store
      .getObjects(namedNode(webId), namedNode(SOLID('oidcIssuer')), null)
      .map((issuer) => issuer.value)
      .filter((issuer) => isTrustedIssuer(trust, issuer));
  };

  return (webId) => {
    if (!isTrustedPodUrl(trust, webId)) {
      return Promise.reject(new AuthenticationError('The WebID is not on a trusted pod server'));
    }
    return cache.get(webId, () => load(webId));
  };
}
