// Offers each new council request to the inboxes of the enrolled homes in its areas, in the background.
import { randomUUID } from 'node:crypto';
import { forEachBounded } from '../../bounded-concurrency.ts';
import { PodError } from '../../errors.ts';
import type { Logger } from '../../logging.ts';
import { isTransientStatus, requestOfferTurtle } from '../../pod/index.ts';
import type { Database } from '../db/database.ts';
import type { EnrolledHomeRow } from '../db/schema/enrolled-homes.ts';
import { listEnrolledHomesIn } from '../homes/home-register-reader.ts';
import type { PodAccessLimits } from '../pod-access/pod-access-limits.ts';
import { findRequest } from '../requests/request-reader.ts';
import { guardedFetch, OutboundCallError } from '../trust/guarded-fetch.ts';
import type { TrustPolicy } from '../trust/trust-policy.ts';
import { findHomeInbox } from './inbox-discovery.ts';

/** How hard the sender tries one home: attempts in all, and the wait before the second (doubling after). */
export interface OfferRetry {
  attempts: number;
  firstDelayMs: number;
}

/** Three attempts, 2 s and 4 s apart: a pod server restarting is back by then; a pod that is not is left. */
export const DEFAULT_OFFER_RETRY: OfferRetry = { attempts: 3, firstDelayMs: 2_000 };

/** Homes offered a request at once: each is one profile GET and one POST to its pod server. */
const OFFER_CONCURRENCY = 4;

/** The largest answer to an offer POST the broker reads: a status line and a short message are all it needs. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface OfferSenderDeps {
  db: Database;
  /** The broker's authenticated fetch: the inbox lets the broker's WebID Append, nobody else. */
  fetch: typeof fetch;
  brokerWebId: string;
  /** The broker's public base URL, ending in `/`: an offer's object is the request's public URL. */
  publicUrl: string;
  trust: Pick<TrustPolicy, 'podOrigins' | 'allowPrivateNetwork'>;
  limits: PodAccessLimits;
  clock: () => Date;
  logger: Logger;
  retry?: OfferRetry;
}

/** What the sender did since it started, by home: offers delivered, given up after retries, and homes left out. */
export interface OfferCounts {
  sent: number;
  failed: number;
  /** Enrolled homes in a request's areas whose profile names no inbox in their pod. */
  noInbox: number;
}

/** Whether a failure may pass if tried again: the network, a deadline, the pod server's own trouble, 429. */
function isTransient(error: unknown): boolean {
  if (error instanceof OutboundCallError) return error.reason === 'timeout' || error.reason === 'unreachable';
  if (error instanceof PodError) {
    const status = error.context.podStatus as number | undefined;
    return status === undefined || isTransientStatus(status);
  }
  return false;
}

/**
 * Sends Linked Data Notifications (`as:Offer`, Turtle) of new requests. `announce` returns at once: publishing a
 * request never waits for a pod, and a pod that fails is retried a bounded number of times, then counted and
 * logged, never reported to the council. Offers live in memory: a broker that stops while sending them does not
 * send the rest after a restart (the resident page still lists open requests from the broker's public list).
 */
export class RequestOfferSender {
  readonly counts: OfferCounts = { sent: 0, failed: 0, noInbox: 0 };
  private readonly deps: OfferSenderDeps;
  private readonly retry: OfferRetry;
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(deps: OfferSenderDeps) {
    this.deps = deps;
    this.retry = deps.retry ?? DEFAULT_OFFER_RETRY;
  }

  /** Starts offering request `requestId` to its homes in the background. */
  announce(requestId: string): void {
    if (this.stopping.signal.aborted) return;
    const task = this.offerToHomes(requestId).catch((error: unknown) => {
      this.deps.logger.error({ requestId, err: error }, 'offering a request to inboxes failed');
    });
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  /** Resolves once every announced request has been offered (or given up). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Stops retrying and waits for the requests in flight. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  /** Offers one request to every enrolled home in its areas whose resident is known. */
  private async offerToHomes(requestId: string): Promise<void> {
    const request = await findRequest(this.deps.db, requestId);
    if (!request) return;
    const homes = await listEnrolledHomesIn(this.deps.db, request.areas);
    const before = { ...this.counts };
    await forEachBounded(homes, OFFER_CONCURRENCY, (home) =>
      this.offerToHome(home, { id: request.id, title: request.title }),
    );
    this.deps.logger.info(
      {
        requestId,
        homes: homes.length,
        sent: this.counts.sent - before.sent,
        failed: this.counts.failed - before.failed,
        noInbox: this.counts.noInbox - before.noInbox,
      },
      'request offered to home inboxes',
    );
  }

  /** Finds the home's inbox and POSTs the offer, retrying what may pass. */
  private async offerToHome(home: EnrolledHomeRow, request: { id: string; title: string }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const inbox = await findHomeInbox(this.deps, home);
        if (!inbox) {
          this.counts.noInbox++;
          return;
        }
        await this.post(inbox, home.resident_webid!, request);
        this.counts.sent++;
        return;
      } catch (error) {
        const retry = attempt < this.retry.attempts && isTransient(error) && !this.stopping.signal.aborted;
        if (!retry) {
          this.counts.failed++;
          // The home id only: never the pod URL, the WebID or what the pod answered in full.
          this.deps.logger.warn(
            {
              requestId: request.id,
              homeId: home.home_id,
              attempts: attempt,
              reason: error instanceof OutboundCallError ? error.reason : undefined,
              podStatus: error instanceof PodError ? error.context.podStatus : undefined,
            },
            'offer not delivered',
          );
          return;
        }
        await this.wait(this.retry.firstDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  /** POSTs the offer to the inbox through guarded fetch: trusted origins, no redirect, a deadline. */
  private async post(inbox: string, resident: string, request: { id: string; title: string }): Promise<void> {
    const body = requestOfferTurtle({
      id: `urn:uuid:${randomUUID()}`,
      broker: this.deps.brokerWebId,
      resident,
      requestUrl: `${this.deps.publicUrl}api/requests/${request.id}`,
      requestId: request.id,
      title: request.title,
      published: this.deps.clock(),
    });
    const response = await guardedFetch(
      this.deps.fetch,
      inbox,
      { method: 'POST', headers: { 'content-type': 'text/turtle' }, body },
      {
        allowedOrigins: this.deps.trust.podOrigins,
        allowPrivateNetwork: this.deps.trust.allowPrivateNetwork,
        timeoutMs: this.deps.limits.requestTimeoutMs,
        maxBytes: MAX_ANSWER_BYTES,
      },
    );
    await response.body?.cancel().catch(() => undefined);
    if (response.status !== 201 && !response.ok) {
      throw new PodError(`The inbox answered ${response.status}`, { podStatus: response.status });
    }
  }

  /** Waits `ms`, or less if the sender stops. */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.stopping.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }
}
