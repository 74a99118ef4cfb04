// The one way the broker reads a resident's pod: only what the consent covers, every read audited and logged in the pod.
import type { Logger } from '../../logging.ts';
import { ForbiddenError, PodError } from '../../errors.ts';
import { PodLayout, writeTurtle, isCovered } from '../../pod/index.ts';
import { serializeTurtle } from '../../vocab/index.ts';
import type { Quad } from 'n3';
import { forEachBounded } from '../../bounded-concurrency.ts';
import { isTransientStatus, retryAfterMs, retryDelay } from '../../pod/index.ts';
import { cryptoRandomSource, type RandomSource } from '../../privacy/index.ts';
import { appendAuditRecords, type AuditRecord } from '../audit/audit-writer.ts';
import { findActiveConsent } from '../consents/consent-reader.ts';
import { consentTargets } from '../../pod/index.ts';
import type { Database } from '../db/database.ts';
import type { ConsentRow } from '../db/schema/consents.ts';
import { findRequest, type RequestWithCouncil } from '../requests/request-reader.ts';
import { ExpiringCache } from '../trust/expiring-cache.ts';
import { guardedFetch, OutboundCallError, type OutboundRules } from '../trust/guarded-fetch.ts';
import type { TrustPolicy } from '../trust/trust-policy.ts';
import { accessRecordQuads } from '../../pod/index.ts';
import type { DocumentCaps, PodAccessLimits } from './pod-access-limits.ts';
import { OriginLimit } from './origin-limit.ts';

/** One document as read: the pod's status, its ETag, and the parsed body when the read succeeded. */
export interface PodDocument<T> {
  url: string;
  status: number;
  etag: string | null;
  /** The parser's result for 2xx answers; null otherwise (including 304 Not Modified). */
  body: T | null;
}

/**
 * Turns a successful response into what the caller needs, e.g. an n3 Store parsed while streaming. The body is
 * already byte-capped and under the request's deadline; `caps` are the triple and subject limits to parse under.
 */
export type BodyParser<T> = (response: Response, url: string, caps: DocumentCaps) => Promise<T>;

/** Options for one batch of reads. */
export interface ReadOptions<T> {
  /** Parses 2xx bodies; default: the text. */
  parse?: BodyParser<T>;
  /** ETags from an earlier read, sent as `If-None-Match` (a 304 still counts as a read and is logged). */
  etags?: ReadonlyMap<string, string>;
}

/** Everything one batch of reads is done under. */
interface ReadScope {
  requestId: string;
  runId: string | null;
  residentWebId: string;
  pod: string;
  /** hd:underConsent: the record node, or the record document while that record is being verified. */
  consentRecord: string;
  /** Resources (or containers of resources) this batch may read; anything else is refused before any request. */
  allowed: readonly string[];
}

export interface AuditedPodReaderDeps {
  db: Database;
  /** The broker's authenticated fetch (its own WebID; never a resident's credentials). */
  fetch: typeof fetch;
  /** The pod servers the broker may call; a pod anywhere else is never contacted. */
  trust: Pick<TrustPolicy, 'podOrigins' | 'allowPrivateNetwork'>;
  /** Deadline and size caps of each request. */
  limits: PodAccessLimits;
  brokerWebId: string;
  /** The audit key (HMAC of every audit row), read from the broker's auditKeyFile. */
  auditKey: Uint8Array;
  clock: () => Date;
  logger: Logger;
  /** Parallel requests within one batch (one pod). */
  concurrency?: number;
  /** Jitter of the retry backoff; default the OS CSPRNG. */
  random?: RandomSource;
}

/** Failures of a request that may pass on another attempt (a pod restarting, a dropped connection, a slow pod). */
function isTransientFailure(error: OutboundCallError): boolean {
  return error.reason === 'timeout' || error.reason === 'unreachable';
}

const readText: BodyParser<string> = (response) => response.text();

/** Largest answer to the broker's access record PUT: a status line and a short message are all it needs. */
const MAX_WRITE_ANSWER_BYTES = 64 * 1024;

/** `YYYY-MM` of an instant (UTC): the access log document it goes into. */
function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/**
 * Reads residents' pods for the broker. Every read is checked against the consent, written to the hash-chained
 * audit log before its content is handed back, and recorded in the resident's own access log; if either record
 * cannot be written, the content is discarded and the read fails.
 */
export class AuditedPodReader {
  private readonly deps: AuditedPodReaderDeps;
  /** Jitter for retries. */
  private readonly random: RandomSource;
  /**
   * Requests by id: what a request reads never changes once it is filed, so a run looks it up once, not once per
   * home (each look-up is a database round trip). The consent is still checked on every read.
   */
  private readonly requests = new ExpiringCache<RequestWithCouncil | null>({
    ttlMs: 60_000,
    maxEntries: 256,
  });
  /** Requests in flight per pod server, shared by every read of this reader (every run of the process). */
  private readonly originLimit: OriginLimit;

  constructor(deps: AuditedPodReaderDeps) {
    this.deps = deps;
    this.random = deps.random ?? cryptoRandomSource();
    this.originLimit = new OriginLimit(deps.limits.maxRequestsPerOrigin);
  }

  /** The broker's WebID (the agent residents grant Read to). */
  get brokerWebId(): string {
    return this.deps.brokerWebId;
  }

  /**
   * Reads a consent record being registered (`consents/<request>.ttl`) or, once it has checked out, the home
   * profile: the only two resources the broker reads before a consent is in its index.
   */
  readForVerification<T = string>(
    request: { requestId: string; residentWebId: string; pod: string; consentRecord: string },
    urls: readonly string[],
    options: ReadOptions<T> = {},
  ): Promise<PodDocument<T>[]> {
    const layout = new PodLayout(request.pod);
    const allowed = [layout.consentDocument(request.requestId), layout.homeProfile];
    return this.read({ ...request, runId: null, allowed }, urls, options);
  }

  /**
   * Reads under an indexed consent, e.g. for a run: refused unless the consent is still active now (given, not
   * withdrawn, not expired) and every URL is one the request's metrics need.
   */
  async readUnderConsent<T = string>(
    consent: Pick<ConsentRow, 'request_id' | 'resident_webid' | 'pod' | 'record_iri'>,
    urls: readonly string[],
    options: ReadOptions<T> & { runId?: string } = {},
  ): Promise<PodDocument<T>[]> {
    const now = this.deps.clock();
    const active = await findActiveConsent(this.deps.db, consent.request_id, consent.resident_webid, now);
    const request =
      active &&
      (await this.requests.get(active.request_id, () => findRequest(this.deps.db, active.request_id)));
    if (!active || !request) {
      throw new ForbiddenError('No active consent for this read', { requestId: consent.request_id });
    }
    const allowed = [
      ...consentTargets(new PodLayout(active.pod), request),
      active.record_iri.replace(/#.*$/, ''),
    ];
    return this.read(
      {
        requestId: active.request_id,
        runId: options.runId ?? null,
        residentWebId: active.resident_webid,
        pod: active.pod,
        consentRecord: active.record_iri,
        allowed,
      },
      urls,
      options,
    );
  }

  /** Reads a batch of one pod, audits it, tells the resident, and only then returns the contents. */
  private async read<T>(
    scope: ReadScope,
    urls: readonly string[],
    options: ReadOptions<T>,
  ): Promise<PodDocument<T>[]> {
    const outside = urls.filter((url) => !url.startsWith(scope.pod) || !isCovered(url, scope.allowed));
    if (outside.length > 0) {
      throw new ForbiddenError(`${outside.length} resource(s) are outside what the consent covers`, {
        requestId: scope.requestId,
      });
    }
    const parse = (options.parse ?? readText) as BodyParser<T>;
    const startedAt = this.deps.clock();
    const layout = new PodLayout(scope.pod);
    const { documents, parseError, failure } = await this.fetchAll(urls, layout, parse, options.etags);
    const endedAt = this.deps.clock();
    const records: AuditRecord[] = documents.map((document) => ({
      at: startedAt,
      requestId: scope.requestId,
      runId: scope.runId,
      residentWebId: scope.residentWebId,
      resource: document.url,
      status: document.status,
    }));
    const written = await appendAuditRecords(this.deps.db, this.deps.auditKey, records);
    const read = documents.filter(
      (document) => (document.status >= 200 && document.status < 300) || document.status === 304,
    );
    if (read.length > 0) {
      const id = written[0]!.rowHash.slice(0, 16);
      const recordDocument = layout.accessRecordDocument(monthOf(startedAt), id);
      const quads = accessRecordQuads({
        document: recordDocument,
        id,
        startedAt,
        endedAt,
        resources: read.map((document) => document.url),
        requestId: scope.requestId,
        consentRecord: scope.consentRecord,
        brokerWebId: this.deps.brokerWebId,
        auditRows: written.filter((_, index) => read.includes(documents[index]!)),
      });
      try {
        await this.originLimit.run(recordDocument, () =>
          createAccessRecord(this.writeFetch, recordDocument, quads),
        );
      } catch (error) {
        const podStatus =
          error instanceof PodError ? (error.context.podStatus as number | undefined) : undefined;
        this.deps.logger.warn(
          { requestId: scope.requestId, runId: scope.runId, podStatus },
          'access record write failed; discarding what was read',
        );
        throw new PodError("Could not record the read in the resident's access log", {
          requestId: scope.requestId,
          podStatus,
        });
      }
    }
    this.deps.logger.debug(
      { requestId: scope.requestId, runId: scope.runId, reads: documents.length, logged: read.length },
      'pod read',
    );
    // A request the pod answered with a redirect, too slowly or too much is a failed read of the whole batch: a
    // home is never counted from part of what it was asked for. Audited above; nothing of it is handed back.
    if (failure !== undefined) {
      this.deps.logger.warn(
        { requestId: scope.requestId, runId: scope.runId, reason: failure.reason },
        'pod read refused',
      );
      throw new PodError(
        'A pod request failed',
        { requestId: scope.requestId, reason: failure.reason },
        failure,
      );
    }
    // A body that would not parse was still read: audited and logged above, then reported.
    if (parseError !== undefined) throw parseError;
    return documents;
  }

  /** The outbound rules of one request: trusted pod origins, the deadline, and a byte cap. */
  private rules(maxBytes: number): OutboundRules {
    return {
      allowedOrigins: this.deps.trust.podOrigins,
      allowPrivateNetwork: this.deps.trust.allowPrivateNetwork,
      timeoutMs: this.deps.limits.requestTimeoutMs,
      maxBytes,
    };
  }

  /** The byte cap of a document by what it is in the pod layout: consent record, home profile, or summaries. */
  private maxBytesOf(url: string, layout: PodLayout): number {
    const { limits } = this.deps;
    if (url === layout.homeProfile) return limits.maxHomeProfileBytes;
    if (url.startsWith(layout.consents)) return limits.maxConsentRecordBytes;
    return limits.maxSummaryBytes;
  }

  /**
   * The broker's authenticated fetch for writes to a pod (the access record PUT): trusted origins only, no
   * redirects (a 307 would otherwise carry the record into another resident's log, docs/security.md, L3), a
   * deadline, and the reads' bounded retries (a retried PUT whose first answer was lost gets 412, and the read is
   * then not used: safe, at the cost of that home). A transient status that persists is answered (without its
   * body), for the caller's error to name it.
   */
  private writeFetch: typeof fetch = async (input, init) => {
    let last: Response | undefined;
    const outcome = await this.withRetries(async () => {
      last = await guardedFetch(
        this.deps.fetch,
        String(input),
        init ?? {},
        this.rules(MAX_WRITE_ANSWER_BYTES),
      );
      return last;
    });
    if (!(outcome instanceof OutboundCallError)) return outcome;
    // Its body was dropped before the last backoff: the status is what the caller's error needs.
    if (outcome.reason === 'server-error' && last) return new Response(null, { status: last.status });
    throw outcome;
  };

  /**
   * GETs every URL with bounded concurrency, each through `guardedFetch` with bounded retries: a redirect, a
   * missed deadline, a body over its cap, an unreachable pod or a 5xx that persists is a failed read (`failure`
   * set, status the pod's when it answered, else 0), never followed and never waited for past the deadline.
   */
  private async fetchAll<T>(
    urls: readonly string[],
    layout: PodLayout,
    parse: BodyParser<T>,
    etags: ReadonlyMap<string, string> | undefined,
  ): Promise<{ documents: PodDocument<T>[]; parseError?: unknown; failure?: OutboundCallError }> {
    const results: PodDocument<T>[] = new Array(urls.length);
    const caps: DocumentCaps = {
      maxQuads: this.deps.limits.maxQuads,
      maxSubjects: this.deps.limits.maxSubjects,
    };
    let parseError: unknown;
    let failure: OutboundCallError | undefined;
    await forEachBounded(urls, this.deps.concurrency ?? 4, (url, index) =>
      // The slot covers the body too: the connection is busy until the parser has read it.
      this.originLimit.run(url, async () => {
        const headers: Record<string, string> = { accept: 'text/turtle' };
        const etag = etags?.get(url);
        if (etag) headers['if-none-match'] = etag;
        const rules = this.rules(this.maxBytesOf(url, layout));
        const outcome = await this.withRetries(() => guardedFetch(this.deps.fetch, url, { headers }, rules));
        if (outcome instanceof OutboundCallError) {
          failure ??= outcome;
          const status = typeof outcome.context.status === 'number' ? outcome.context.status : 0;
          results[index] = { url, status, etag: null, body: null };
          return;
        }
        const response = outcome;
        let body: T | null = null;
        if (response.ok) {
          try {
            body = await parse(response, url, caps);
          } catch (error) {
            parseError ??= error;
          }
        } else {
          await response.body?.cancel().catch(() => undefined);
        }
        // guardedFetch refused any answer whose URL is not the one asked for: this is the URL actually read.
        results[index] = {
          url: response.url || url,
          status: response.status,
          etag: response.headers.get('etag'),
          body,
        };
      }),
    );
    return { documents: results, parseError, failure };
  }

  /**
   * A pod request (`call`, through `guardedFetch`) tried again after a transient failure (no answer in time,
   * unreachable, 5xx, 408, 429) up to `limits.retries` times with backoff and jitter, honouring a `Retry-After` up to
   * `limits.retryMaxMs`. A transient status that persists is a failure (`server-error`), never a document the home
   * is counted without. Each attempt is bounded by the request deadline, and all of them by the run's per-home
   * deadline.
   */
  private async withRetries(call: () => Promise<Response>): Promise<Response | OutboundCallError> {
    const { limits } = this.deps;
    const policy = { baseMs: limits.retryBaseMs, maxMs: limits.retryMaxMs };
    for (let attempt = 1; ; attempt++) {
      let failure: OutboundCallError;
      let hintMs: number | undefined;
      try {
        const response = await call();
        if (!isTransientStatus(response.status)) return response;
        hintMs = retryAfterMs(response.headers.get('retry-after'), this.deps.clock());
        await response.body?.cancel().catch(() => undefined);
        failure = new OutboundCallError('server-error', { status: response.status });
      } catch (error) {
        failure =
          error instanceof OutboundCallError ? error : new OutboundCallError('unreachable', {}, error);
        if (!isTransientFailure(failure)) return failure;
      }
      if (attempt > limits.retries) return failure;
      const wait = Math.min(limits.retryMaxMs, retryDelay(attempt, policy, this.random, hintMs));
      this.deps.logger.debug(
        { attempt, reason: failure.reason, waitMs: Math.round(wait) },
        'pod request retried',
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * Writes an access record as its own new document: one `PUT` with `If-None-Match: *`, which costs the pod server
 * less than an N3 Patch into a monthly document (docs/aggregation.md). Its name is the hash of a fresh audit row,
 * so it never exists yet; a 412 says something else wrote there, and the read is not used.
 */
async function createAccessRecord(fetchFn: typeof fetch, url: string, quads: Quad[]): Promise<void> {
  const response = await writeTurtle(fetchFn, url, serializeTurtle(quads, { baseIRI: url }), {
    ifNoneMatch: '*',
  });
  if (response.status === 412) {
    throw new PodError(`An access record already exists at ${url}`, { url, podStatus: 412 });
  }
}
