// Checks that a pod is the resident's own: on a trusted pod server, a storage their WebID profile names, and a storage root.
import type { Store } from 'n3';
import { ConflictError, ForbiddenError } from '../../errors.ts';
import type { Logger } from '../../logging.ts';
import { isStorageRoot } from '../../pod/index.ts';
import { TERMS } from '../../vocab/index.ts';
import { readTurtleStore } from '../aggregation/turtle-stream.ts';
import type { PodAccessLimits } from '../pod-access/pod-access-limits.ts';
import { guardedFetch, OutboundCallError, type OutboundRules } from '../trust/guarded-fetch.ts';
import { isTrustedPodUrl, type TrustPolicy } from '../trust/trust-policy.ts';

/** What the check needs: the trust list, the limits, a plain fetch (the profile and pod root are public). */
export interface PodBindingDeps {
  trust: TrustPolicy;
  limits: PodAccessLimits;
  logger: Logger;
  /** Unauthenticated fetch: the broker's credentials are not needed for public documents, so none are sent. */
  fetch?: typeof fetch;
}

/** The rule a refusal names, in the words a resident reads in the problem document. */
export const POD_NOT_TRUSTED = 'The pod is not on a pod server this broker trusts';
export const POD_NOT_YOURS = 'The pod is not a storage your WebID profile names as yours';
export const POD_NOT_STORAGE = 'The pod URL is not the root of a pod (a pim:Storage)';
export const PROFILE_NOT_READABLE = 'The broker could not read your WebID profile';

/** A storage IRI as compared with a pod URL: normalised, with its trailing slash. */
function storageUrl(iri: string): string | undefined {
  try {
    const href = new URL(iri).href;
    return href.endsWith('/') ? href : `${href}/`;
  } catch {
    return undefined;
  }
}

/**
 * The pods a WebID profile names: its `pim:storage` and `solid:storage` objects. CSS 7 writes neither into the
 * profiles it creates (its template's `linkStorage` is never set), so a profile without any names the storage
 * that holds the profile document itself: the pod server put the WebID there, and only the pod's owner could.
 */
function namedStorages(profile: Store, webId: string): string[] {
  const objects = [
    ...profile.getObjects(webId, TERMS.pim.storage, null),
    ...profile.getObjects(webId, TERMS.solid.storage, null),
  ];
  return objects.flatMap((term) => {
    const url = term.termType === 'NamedNode' ? storageUrl(term.value) : undefined;
    return url ? [url] : [];
  });
}

/**
 * Refuses a pod that is not the resident's own (docs/security.md, H1): the pod must be on a trusted pod server; the
 * broker itself reads the resident's WebID profile (from a trusted origin, bounded) and the pod must be one of the
 * storages it names (or, when it names none, the storage that holds the profile); and the pod root must answer
 * `Link: <pim:Storage>; rel="type"`. `pod` is already normalised (`new URL(pod).href`, ending in `/`).
 */
export async function assertPodOfResident(deps: PodBindingDeps, webId: string, pod: string): Promise<void> {
  if (!isTrustedPodUrl(deps.trust, pod)) throw new ForbiddenError(POD_NOT_TRUSTED);
  const fetchImpl = deps.fetch ?? fetch;
  const rules = (maxBytes: number): OutboundRules => ({
    allowedOrigins: deps.trust.podOrigins,
    allowPrivateNetwork: deps.trust.allowPrivateNetwork,
    timeoutMs: deps.limits.requestTimeoutMs,
    maxBytes,
  });
  const caps = { maxQuads: deps.limits.maxQuads, maxSubjects: deps.limits.maxSubjects };

  // The WebID comes from a verified token, so it is an absolute URL.
  const profileUrl = new URL(webId).href.replace(/#.*$/, '');
  let profile: Store;
  try {
    const response = await guardedFetch(
      fetchImpl,
      profileUrl,
      { headers: { accept: 'text/turtle' } },
      rules(deps.limits.maxWebIdProfileBytes),
    );
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new ConflictError('webid-not-readable', PROFILE_NOT_READABLE, { podStatus: response.status });
    }
    profile = await readTurtleStore(response.body, profileUrl, caps);
  } catch (error) {
    if (error instanceof OutboundCallError && error.reason === 'untrusted-origin') {
      throw new ForbiddenError('Your WebID is not on a pod server this broker trusts');
    }
    deps.logger.warn({ error: (error as Error).message }, 'WebID profile not readable');
    throw error instanceof ConflictError
      ? error
      : new ConflictError('webid-not-readable', PROFILE_NOT_READABLE);
  }

  const storages = namedStorages(profile, webId);
  const yours = storages.length > 0 ? storages.includes(pod) : profileUrl.startsWith(pod);
  if (!yours) throw new ForbiddenError(POD_NOT_YOURS);

  let link: string | null;
  try {
    const response = await guardedFetch(fetchImpl, pod, { method: 'HEAD' }, rules(64 * 1024));
    await response.body?.cancel().catch(() => undefined);
    link = response.ok ? response.headers.get('link') : null;
  } catch (error) {
    deps.logger.warn({ error: (error as Error).message }, 'pod root not readable');
    link = null;
  }
  if (!isStorageRoot(link)) throw new ForbiddenError(POD_NOT_STORAGE);
}
