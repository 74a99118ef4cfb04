// Sends due webhook deliveries from the database queue: signed, guarded against SSRF, retried with backoff for 24 h.
import type { Logger } from '../../logging.ts';
import { cryptoRandomSource, type RandomSource } from '../../privacy/index.ts';
import type { Database } from '../db/database.ts';
import { guardedFetch, OutboundCallError } from '../trust/guarded-fetch.ts';
import { nextAttemptAt } from './webhook-backoff.ts';
import { webhookHeaders } from './webhook-signature.ts';
import {
  claimDueDeliveries,
  recordAttempt,
  type AttemptOutcome,
  type ClaimedDelivery,
} from './webhook-transactor.ts';
import { checkWebhookAddress, type WebhookUrlPolicy } from './webhook-url.ts';
import { webhookEventBody } from './webhook-view.ts';

/** A receiver has 10 s to answer (the issue), as most webhook senders allow. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** Longer than the deadline: no other process takes a delivery while one is still sending it. */
const LEASE_MS = 6 * DELIVERY_TIMEOUT_MS;

/** The receiver's body is never read or kept; this caps what is drained if a body comes at all. */
const MAX_RESPONSE_BYTES = 16 * 1024;

/** Deliveries claimed and sent at once by one process. */
const BATCH = 10;

export interface WebhookWorkerDeps {
  db: Database;
  clock: () => Date;
  logger: Logger;
  policy: WebhookUrlPolicy;
  /** How often the queue is looked at, in ms. */
  pollMs: number;
  /** Plain fetch by default; never the broker's authenticated one (its token must not reach a council). */
  fetch?: typeof fetch;
  /** Source of retry jitter (the one kind of randomness the broker uses); default a CSPRNG. */
  random?: RandomSource;
}

/** The delivery worker of one broker process. */
export interface WebhookWorker {
  /** Sends every delivery due at the clock's now; resolves with how many were attempted. */
  poll(): Promise<number>;
  /** Polls every `pollMs` until stopped. */
  start(): void;
  /** Stops polling and waits for the attempt in flight. */
  stop(): Promise<void>;
}

/** Makes the worker; several brokers on one PostgreSQL share the queue without sending a delivery twice. */
export function createWebhookWorker(deps: WebhookWorkerDeps): WebhookWorker {
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const random = deps.random ?? cryptoRandomSource();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  let stopping = false;

  /** One attempt of one delivery; never throws for what the receiver does. */
  async function attempt(delivery: ClaimedDelivery, now: Date): Promise<AttemptOutcome> {
    const body = webhookEventBody(delivery);
    let status: number | null = null;
    let error: string | null;
    try {
      const url = await checkWebhookAddress(delivery.url, deps.policy);
      const response = await guardedFetch(
        fetchImpl,
        url.href,
        { method: 'POST', headers: webhookHeaders(delivery.secret, delivery.id, now, body), body },
        {
          allowedOrigins: new Set([url.origin]),
          allowPrivateNetwork: deps.policy.allowHttpLoopback,
          timeoutMs: DELIVERY_TIMEOUT_MS,
          maxBytes: MAX_RESPONSE_BYTES,
        },
      );
      await response.body?.cancel().catch(() => undefined);
      status = response.status;
      error = status >= 200 && status < 300 ? null : 'status';
    } catch (caught) {
      if (!(caught instanceof OutboundCallError)) throw caught;
      error = caught.reason;
    }
    if (error === null) return { status, error, retryAt: null };
    return { status, error, retryAt: nextAttemptAt(delivery.attempts, now, delivery.queued_at, random) };
  }

  async function pollOnce(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const now = deps.clock();
      const claimed = await claimDueDeliveries(deps.db, now, BATCH, LEASE_MS);
      await Promise.all(
        claimed.map(async (delivery) => {
          const outcome = await attempt(delivery, now).catch((error: unknown) => {
            deps.logger.error({ err: error, delivery: delivery.id }, 'webhook attempt failed');
            return {
              status: null,
              error: 'internal',
              retryAt: nextAttemptAt(delivery.attempts, now, delivery.queued_at, random),
            };
          });
          await recordAttempt(deps.db, delivery.id, outcome, now);
          if (outcome.error !== null) {
            deps.logger.info(
              {
                delivery: delivery.id,
                reason: outcome.error,
                status: outcome.status,
                gaveUp: outcome.retryAt === null,
              },
              'webhook delivery failed',
            );
          }
        }),
      );
      attempted += claimed.length;
      if (claimed.length < BATCH || stopping) return attempted;
    }
  }

  function poll(): Promise<number> {
    // One poll at a time per process: a slow receiver must not make polls pile up.
    running ??= pollOnce().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      poll()
        .catch((error: unknown) => deps.logger.error({ err: error }, 'webhook poll failed'))
        .finally(schedule);
    }, deps.pollMs);
    timer.unref();
  }

  return {
    poll,
    start() {
      if (!stopped) return;
      stopped = false;
      stopping = false;
      schedule();
    },
    async stop() {
      stopped = true;
      stopping = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
