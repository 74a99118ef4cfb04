// Subscribes the broker to changes of one consent record: a Solid Notifications WebhookChannel2023 at the pod server.
import { PodError } from '../../errors.ts';
import {
  linkTarget,
  NOTIFICATIONS_CONTEXT,
  STORAGE_DESCRIPTION_REL,
  subscriptionService,
} from '../../pod/index.ts';
import { TERMS } from '../../vocab/index.ts';
import { readTurtleStore } from '../aggregation/turtle-stream.ts';
import type { PodAccessLimits } from '../pod-access/pod-access-limits.ts';
import { guardedFetch, type OutboundRules } from '../trust/guarded-fetch.ts';
import type { TrustPolicy } from '../trust/trust-policy.ts';

/** The largest storage description or channel description read (bytes). */
const MAX_DESCRIPTION_BYTES = 256 * 1024;

/** What subscribing needs: the broker's authenticated fetch (it must be able to Read the record), the trust list. */
export interface SubscriptionDeps {
  fetch: typeof fetch;
  trust: Pick<TrustPolicy, 'podOrigins' | 'allowPrivateNetwork'>;
  limits: PodAccessLimits;
}

/** A channel the pod server opened. */
export interface Subscription {
  /** The channel's id (a URL at the pod server; DELETE ends it). */
  channel: string;
  /** When the server ends it (CSS 7: two weeks after the subscription unless asked for less), or null. */
  endsAt: Date | null;
}

/** Guarded-fetch rules: trusted pod origins, no redirects, the pod deadline, a small byte cap. */
function rulesOf(deps: SubscriptionDeps): OutboundRules {
  return {
    allowedOrigins: deps.trust.podOrigins,
    allowPrivateNetwork: deps.trust.allowPrivateNetwork,
    timeoutMs: deps.limits.requestTimeoutMs,
    maxBytes: MAX_DESCRIPTION_BYTES,
  };
}

/** Fails with the pod's status unless the response is 2xx (the body is dropped). */
async function expectOk(response: Response, what: string): Promise<Response> {
  if (response.ok) return response;
  await response.body?.cancel().catch(() => undefined);
  throw new PodError(`${what} answered ${response.status}`, { podStatus: response.status });
}

/**
 * Finds the pod server's WebhookChannel2023 subscription service from the record's storage description (the
 * `Link rel="http://www.w3.org/ns/solid/terms#storageDescription"` of the record, Solid Protocol §4.1; its
 * `notify:subscription` whose `notify:channelType` is WebhookChannel2023).
 */
async function findWebhookService(deps: SubscriptionDeps, recordDocument: string): Promise<string> {
  const rules = rulesOf(deps);
  const head = await expectOk(
    await guardedFetch(deps.fetch, recordDocument, { method: 'HEAD' }, rules),
    'HEAD of the consent record',
  );
  const description = linkTarget(head.headers.get('link'), STORAGE_DESCRIPTION_REL, recordDocument);
  if (!description) throw new PodError('The pod server names no storage description', {});
  const response = await expectOk(
    await guardedFetch(deps.fetch, description, { headers: { accept: 'text/turtle' } }, rules),
    'The storage description',
  );
  const store = await readTurtleStore(response.body!, description, {
    maxQuads: Math.min(deps.limits.maxQuads, 2_000),
    maxSubjects: Math.min(deps.limits.maxSubjects, 200),
  });
  const service = subscriptionService(store, TERMS.notify.WebhookChannel2023);
  if (!service) throw new PodError('The pod server offers no WebhookChannel2023 subscriptions', {});
  return service;
}

/**
 * Opens a WebhookChannel2023 channel on `recordDocument` that POSTs to `sendTo`. The pod server checks that the
 * broker may Read the record before it opens the channel.
 */
export async function subscribeToRecord(
  deps: SubscriptionDeps,
  recordDocument: string,
  sendTo: string,
): Promise<Subscription> {
  const service = await findWebhookService(deps, recordDocument);
  const response = await expectOk(
    await guardedFetch(
      deps.fetch,
      service,
      {
        method: 'POST',
        headers: { 'content-type': 'application/ld+json' },
        body: JSON.stringify({
          '@context': [NOTIFICATIONS_CONTEXT],
          type: TERMS.notify.WebhookChannel2023.value,
          topic: recordDocument,
          sendTo,
        }),
      },
      rulesOf(deps),
    ),
    'The subscription service',
  );
  const channel = (await response.json()) as { id?: unknown; endAt?: unknown };
  if (typeof channel.id !== 'string') throw new PodError('The subscription service named no channel', {});
  const endsAt = typeof channel.endAt === 'string' ? new Date(channel.endAt) : null;
  return { channel: channel.id, endsAt: endsAt && !Number.isNaN(endsAt.getTime()) ? endsAt : null };
}

/** Ends a channel (best effort: a channel the server already forgot answers 404, which is as good). */
export async function unsubscribe(deps: SubscriptionDeps, channel: string): Promise<void> {
  const response = await guardedFetch(deps.fetch, channel, { method: 'DELETE' }, rulesOf(deps));
  await response.body?.cancel().catch(() => undefined);
}
