// What the broker trusts: the OIDC issuers whose resident tokens it accepts and the pod servers it may read.
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';

/**
 * The operator's trust list (broker config `trust`). Everything the broker fetches on a resident's behalf (WebID
 * profiles, issuer keys, pods) must be on one of these origins: a resident cannot bring their own identity
 * provider or pod server, so one person cannot invent homes (docs/security.md, H1) or point the broker at an internal
 * address (M1, M2).
 */
export const trustConfigSchema = z
  .object({
    /** OIDC issuers (exact URLs, as in a token's `iss`) whose resident tokens are accepted. */
    issuers: z.array(z.url({ protocol: /^https?$/ })).min(1),
    /** Origins of pod servers whose pods (and WebID profiles) the broker may read. */
    podServers: z.array(z.url({ protocol: /^https?$/ })).min(1),
    /** When set, only tokens issued to these client ids (the resident app) are accepted. */
    residentClientIds: z.array(z.string().min(1)).min(1).optional(),
    /**
     * Refuse DPoP proofs without `ath` (the hash of the access token they go with). Off by default because the
     * Inrupt clients the resident tools use (`solid-client-authn-node` 4, `-browser` 5) do not send it; a proof
     * is still bound to the token's key, the method, the URL and a one-time `jti`.
     */
    requireAccessTokenHash: z.boolean().default(false),
    /**
     * Allow trusted names that resolve to private, loopback or link-local addresses. Off by default: a trusted
     * DNS name that suddenly resolves to 169.254.169.254 is refused. Origins written as `localhost` or an IP
     * literal are explicit and always allowed.
     */
    allowPrivateNetwork: z.boolean().default(false),
  })
  .strict();

/** The trust section as written in a config file. */
export type TrustConfigInput = z.input<typeof trustConfigSchema>;

/** The broker's validated trust list, normalised. */
export interface TrustPolicy {
  /** Issuer URLs, normalised with a trailing slash removed, as tokens carry them. */
  readonly issuers: ReadonlySet<string>;
  /** Pod-server origins (`scheme://host[:port]`). */
  readonly podOrigins: ReadonlySet<string>;
  readonly residentClientIds?: ReadonlySet<string>;
  /** Whether a DPoP proof must carry `ath`. */
  readonly requireAccessTokenHash: boolean;
  readonly allowPrivateNetwork: boolean;
}

/** An issuer URL in the form compared against a token's `iss` (no trailing slash, normalised host). */
export function normaliseIssuer(issuer: string): string {
  return new URL(issuer).href.replace(/\/$/, '');
}

/**
 * Builds the policy from the config's `trust` section; without one, the broker trusts only its own identity
 * provider and the pod server on the same origin (the single-server deployment and the demo).
 */
export function trustPolicyOf(
  trust: z.output<typeof trustConfigSchema> | undefined,
  brokerIssuer: string,
): TrustPolicy {
  const issuers = trust?.issuers ?? [brokerIssuer];
  const podServers = trust?.podServers ?? [new URL(brokerIssuer).origin];
  for (const server of podServers) {
    const url = new URL(server);
    if (url.pathname !== '/' || url.search || url.hash || url.username) {
      throw new ConfigError('trust.podServers lists origins only (scheme, host, port)', {
        podServer: server,
      });
    }
  }
  return {
    issuers: new Set(issuers.map(normaliseIssuer)),
    podOrigins: new Set(podServers.map((server) => new URL(server).origin)),
    residentClientIds: trust?.residentClientIds ? new Set(trust.residentClientIds) : undefined,
    requireAccessTokenHash: trust?.requireAccessTokenHash ?? false,
    allowPrivateNetwork: trust?.allowPrivateNetwork ?? false,
  };
}

/** Whether `iss` (a token's unverified claim) is one of the trusted issuers. */
export function isTrustedIssuer(policy: TrustPolicy, iss: unknown): iss is string {
  if (typeof iss !== 'string') return false;
  try {
    return policy.issuers.has(normaliseIssuer(iss));
  } catch {
    return false;
  }
}

/** The origins of the trusted issuers (where their discovery documents and keys live). */
export function issuerOrigins(policy: TrustPolicy): ReadonlySet<string> {
  return new Set([...policy.issuers].map((issuer) => new URL(issuer).origin));
}

/** Whether `url` lies on a trusted pod server. */
export function isTrustedPodUrl(policy: TrustPolicy, url: string): boolean {
  try {
    return policy.podOrigins.has(new URL(url).origin);
  } catch {
    return false;
  }
}
