// Finds an enrolled home's LDN inbox: the `ldp:inbox` its resident's public WebID profile names inside the home's pod.
import { inboxInPod } from '../../pod/index.ts';
import { readTurtleStore } from '../aggregation/turtle-stream.ts';
import type { EnrolledHomeRow } from '../db/schema/enrolled-homes.ts';
import type { PodAccessLimits } from '../pod-access/pod-access-limits.ts';
import { guardedFetch, OutboundCallError } from '../trust/guarded-fetch.ts';
import type { TrustPolicy } from '../trust/trust-policy.ts';

/** What discovery needs: the trust list and the pod limits (a plain fetch: the profile is public). */
export interface InboxDiscoveryDeps {
  trust: Pick<TrustPolicy, 'podOrigins' | 'allowPrivateNetwork'>;
  limits: PodAccessLimits;
  fetch?: typeof fetch;
}

/**
 * The home's inbox, or null when the profile names none in the home's pod. The profile is read like any pod
 * document (trusted origins, no redirects, deadline, byte, triple and subject caps); a failure is an
 * OutboundCallError or a PodError for the caller to count and retry.
 */
export async function findHomeInbox(
  deps: InboxDiscoveryDeps,
  home: Pick<EnrolledHomeRow, 'pod' | 'resident_webid'>,
): Promise<string | null> {
  if (!home.resident_webid) return null;
  const profileUrl = new URL(home.resident_webid).href.replace(/#.*$/, '');
  const response = await guardedFetch(
    deps.fetch ?? fetch,
    profileUrl,
    { headers: { accept: 'text/turtle' } },
    {
      allowedOrigins: deps.trust.podOrigins,
      allowPrivateNetwork: deps.trust.allowPrivateNetwork,
      timeoutMs: deps.limits.requestTimeoutMs,
      maxBytes: deps.limits.maxWebIdProfileBytes,
    },
  );
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new OutboundCallError('unreachable', {
      origin: new URL(profileUrl).origin,
      status: response.status,
    });
  }
  const profile = await readTurtleStore(response.body, profileUrl, {
    maxQuads: deps.limits.maxQuads,
    maxSubjects: deps.limits.maxSubjects,
  });
  return inboxInPod(profile, home.resident_webid, home.pod);
}
