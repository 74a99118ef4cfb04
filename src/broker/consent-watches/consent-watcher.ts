// Watches every indexed consent record through a pod webhook; a notification makes the broker read the record again.
import { randomBytes } from 'node:crypto';
import { forEachBounded } from '../../bounded-concurrency.ts';
import { ForbiddenError, HomedataError, ValidationError } from '../../errors.ts';
import type { Logger } from '../../logging.ts';
import { PodLayout } from '../../pod/index.ts';
import { grantTargets } from '../../pod/index.ts';
import { checkConsentRecord } from '../../pod/index.ts';
import { withdrawConsent } from '../consents/consent-transactor.ts';
import { readRecord } from '../consents/register-consent.ts';
import type { Database } from '../db/database.ts';
import type { ConsentRow } from '../db/schema/consents.ts';
import type { AuditedPodReader } from '../pod-access/audited-pod-reader.ts';
import type { PodAccessLimits } from '../pod-access/pod-access-limits.ts';
import { findRequest } from '../requests/request-reader.ts';
import type { TrustPolicy } from '../trust/trust-policy.ts';
import { subscribeToRecord, unsubscribe } from './record-subscription.ts';
import { findWatchByToken, listConsentsToWatch, type WatchedConsent } from './watch-reader.ts';
import { recordWatch } from './watch-transactor.ts';

/** A notification URL's token: 32 random bytes, base64url. */
export const WATCH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Subscriptions made at once: each is a HEAD, a GET and a POST to the pod server. */
const SUBSCRIBE_CONCURRENCY = 4;

/**
 * The pod's answers to the broker's re-read that mean the consent is gone: the record deleted (404, 410) or the
 * broker's Read on it taken away (403). Not 401: that is the broker's own token, not the resident's doing.
 */
const GONE_STATUSES = new Set([403, 404, 410]);

export interface ConsentWatcherDeps {
  db: Database;
  /** The only way to read a pod: the re-read is audited and logged in the resident's access log like any other. */
  reader: AuditedPodReader;
  /** The broker's authenticated fetch, for subscribing (the pod server checks the broker may Read the record). */
  fetch: typeof fetch;
  trust: Pick<TrustPolicy, 'podOrigins' | 'allowPrivateNetwork'>;
  limits: PodAccessLimits;
  /** The broker's public base URL, ending in `/`: the pod server POSTs to `<publicUrl>api/pod-notifications/<token>`. */
  publicUrl: string;
  clock: () => Date;
  logger: Logger;
  /** How often subscriptions about to end are renewed (default hourly). */
  renewEveryMs?: number;
  /** How long before its end a subscription is renewed (default one day). */
  renewAheadMs?: number;
}

type ConsentKey = Pick<ConsentRow, 'request_id' | 'resident_webid'>;
type WatchedRecord = Pick<ConsentRow, 'request_id' | 'resident_webid' | 'pod' | 'record_iri'>;

/**
 * Keeps a WebhookChannel2023 subscription on each active consent's record (made at registration, renewed on start
 * and before the pod server ends it) and answers notifications. A notification is only a hint: the broker reads
 * the record again through its audited reader, and only the pod's own answer withdraws the consent — 403, 404 or
 * 410 (record deleted, grant removed), or a record that no longer gives the request. A forged notification thus
 * costs one audited re-read, never a withdrawal.
 */
export class ConsentWatcher {
  private readonly deps: ConsentWatcherDeps;
  private readonly running = new Set<Promise<unknown>>();
  /** Re-reads under way by consent, and whether another notification came meanwhile. */
  private readonly rechecks = new Map<string, { again: boolean }>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(deps: ConsentWatcherDeps) {
    this.deps = deps;
  }

  /** Subscribes to every active consent's record in the background, then renews what is about to end. */
  start(): void {
    this.track(this.subscribeDue(null));
    this.timer = setInterval(
      () => {
        const ahead = new Date(this.deps.clock().getTime() + (this.deps.renewAheadMs ?? 24 * 60 * 60 * 1000));
        this.track(this.subscribeDue(ahead));
      },
      this.deps.renewEveryMs ?? 60 * 60 * 1000,
    );
    this.timer.unref();
  }

  /** Subscribes to one newly registered consent's record, in the background. */
  watch(consent: WatchedRecord): void {
    this.track(this.subscribe({ ...consent, channel: null }));
  }

  /**
   * Takes a notification for the watch `token`: returns false when no watch has that token (the caller answers
   * 404), else starts a re-read of the record in the background and returns true.
   */
  async notified(token: string): Promise<boolean> {
    if (!WATCH_TOKEN_PATTERN.test(token)) return false;
    const watch = await findWatchByToken(this.deps.db, token);
    if (!watch) return false;
    const key = `${watch.request_id} ${watch.resident_webid}`;
    const running = this.rechecks.get(key);
    if (running) {
      // One re-read at a time per consent; notifications during it make one more afterwards.
      running.again = true;
      return true;
    }
    const state = { again: false };
    this.rechecks.set(key, state);
    this.track(
      (async () => {
        try {
          do {
            state.again = false;
            await this.recheck(watch);
          } while (state.again && !this.stopped);
        } finally {
          this.rechecks.delete(key);
        }
      })(),
    );
    return true;
  }

  /** Resolves once nothing is under way (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Stops renewing and waits for what is under way. Subscriptions stay: the pod server ends them itself. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.idle();
  }

  /** Runs `task` in the background, logging what it throws. */
  private track(task: Promise<unknown>): void {
    const tracked = task.catch((error: unknown) =>
      this.deps.logger.error({ err: error }, 'consent watch task failed'),
    );
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }

  /** Subscribes every active consent that needs it (all of them when `renewBefore` is null). */
  private async subscribeDue(renewBefore: Date | null): Promise<void> {
    const consents = await listConsentsToWatch(this.deps.db, this.deps.clock(), renewBefore);
    await forEachBounded(consents, SUBSCRIBE_CONCURRENCY, (consent) => this.subscribe(consent));
    if (consents.length > 0)
      this.deps.logger.info({ consents: consents.length }, 'consent records subscribed');
  }

  /** Opens a channel on the consent's record under a new token, then ends the channel it replaces. */
  private async subscribe(consent: WatchedConsent): Promise<void> {
    if (this.stopped) return;
    const token = randomBytes(32).toString('base64url');
    const recordDocument = consent.record_iri.replace(/#.*$/, '');
    try {
      const subscription = await subscribeToRecord(
        this.deps,
        recordDocument,
        `${this.deps.publicUrl}api/pod-notifications/${token}`,
      );
      await recordWatch(this.deps.db, {
        request_id: consent.request_id,
        resident_webid: consent.resident_webid,
        token,
        channel: subscription.channel,
        ends_at: subscription.endsAt,
        subscribed_at: this.deps.clock(),
      });
    } catch (error) {
      // Left unwatched until the next renewal round; the consent is still checked at every read of a run.
      this.deps.logger.warn(
        { requestId: consent.request_id, reason: error instanceof HomedataError ? error.message : 'error' },
        'could not subscribe to a consent record',
      );
      return;
    }
    if (consent.channel) await unsubscribe(this.deps, consent.channel).catch(() => undefined);
  }

  /** Reads the record again; withdraws the consent when the pod says it is gone or no longer gives the request. */
  private async recheck(consent: WatchedRecord): Promise<void> {
    const recordDocument = consent.record_iri.replace(/#.*$/, '');
    let document;
    try {
      [document] = await this.deps.reader.readUnderConsent(consent, [recordDocument], { parse: readRecord });
    } catch (error) {
      // No longer active (withdrawn or expired meanwhile): nothing to do. A pod that fails: the next read decides.
      if (!(error instanceof ForbiddenError)) {
        this.deps.logger.warn({ requestId: consent.request_id }, 'consent record re-read failed');
      }
      return;
    }
    if (!document) return;
    if (GONE_STATUSES.has(document.status)) {
      return this.withdraw(consent, `the pod answered ${document.status}`);
    }
    if (document.status < 200 || document.status >= 300 || !document.body) return;
    const request = await findRequest(this.deps.db, consent.request_id);
    if (!request) return;
    try {
      checkConsentRecord(document.body, {
        recordDocument,
        requestId: consent.request_id,
        purpose: request.purpose,
        residentWebId: consent.resident_webid,
        brokerWebId: this.deps.reader.brokerWebId,
        requiredTargets: grantTargets(new PodLayout(consent.pod), request.metrics),
        now: this.deps.clock(),
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return this.withdraw(consent, 'the record no longer gives the request');
    }
  }

  /** Marks the consent withdrawn, as a resident's DELETE of it at the broker would. */
  private async withdraw(consent: ConsentKey, why: string): Promise<void> {
    if (await withdrawConsent(this.deps.db, consent.request_id, consent.resident_webid, this.deps.clock())) {
      this.deps.logger.info({ requestId: consent.request_id, why }, 'consent withdrawn in the pod');
    }
  }
}
