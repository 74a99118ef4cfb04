// The limits on what token verification may fetch: deadline, byte cap and how long answers are kept.
import type { OutboundRules } from './guarded-fetch.ts';

/** A WebID profile or an issuer document is a few KB; 256 KB leaves room and stops a streamed flood. */
export const VERIFIER_MAX_BYTES = 256 * 1024;

/** A trusted server that takes longer than this to say who a resident is gets the token refused, not waited for. */
export const VERIFIER_TIMEOUT_MS = 5_000;

/** How long a WebID's issuer list or an issuer's keys are kept before they are fetched again. */
export const VERIFIER_CACHE_TTL_MS = 5 * 60 * 1000;

/** Most WebIDs (and issuers) remembered at once: enough for a busy hour, bounded against a flood. */
export const VERIFIER_CACHE_ENTRIES = 1_000;

/** The rules for a verification fetch to `allowedOrigins`. */
export function verifierRules(
  allowedOrigins: ReadonlySet<string>,
  allowPrivateNetwork: boolean,
): OutboundRules {
  return {
    allowedOrigins,
    allowPrivateNetwork,
    timeoutMs: VERIFIER_TIMEOUT_MS,
    maxBytes: VERIFIER_MAX_BYTES,
  };
}
