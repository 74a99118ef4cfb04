// Writes triples to pod documents as the gateway (create-only PUT, insert-only N3 Patch) and sorts every failure into
// retry or refuse.
import type { Quad } from 'n3';
import { HomedataError, PodError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import {
  boundedFetch,
  type FetchBounds,
  patchInsert,
  writeTurtle,
  loginWithClientCredentials,
  type ClientCredentials,
  type SolidAgent,
  retryAfterMs,
  isTransientStatus,
} from '../pod/index.ts';
import { serializeTurtle, type SerializeOptions } from '../vocab/index.ts';

/** What became of one document write. */
export type WriteOutcome =
  | { kind: 'written' }
  /**
   * Worth trying again later: network error, 5xx, 408, 429, login trouble, or a 4xx that a restarting or overloaded
   * pod server also gives ({@link mayBeTransientRefusal}) while it has not persisted for {@link REFUSAL_PERSISTS}.
   */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** The pod refused this write for good (other 4xx, or a doubtful one that persisted): the batch is quarantined. */
  | { kind: 'refused'; reason: string; status: number };

/**
 * 4xx that refuse a well-formed write of the gateway only while the pod server is not itself: CSS answers 400 when
 * it cannot verify the DPoP token (it fetches its own keys, with a 5 s deadline, and the gateway's WebID profile
 * from itself, which a freshly restarted server with every gateway's backlog queued can miss), 401 while a token is
 * not accepted (the session logs in again), 403 while the grant on the readings container is not in effect (an ACL
 * being rewritten, or a resident who removed and restored it), 404 and 409 while a container it is creating is
 * half there. The gateway's Turtle is valid and its IRIs are its own, so each of these is first taken as "later";
 * what the gateway itself gets wrong (413 too large, 415 type, 422 content) is refused at once.
 */
export function mayBeTransientRefusal(status: number): boolean {
  return status === 400 || status === 401 || status === 403 || status === 404 || status === 409;
}

/**
 * How long a document must keep being refused with a doubtful 4xx, and on how many attempts, before the refusal is
 * taken as final and its readings go to quarantine. The scheduler's backoff spaces the attempts; the soak runs'
 * gateways drained their backlog within 112 s of a pod server restarted under load (README, Faults), so 5 minutes.
 */
export const REFUSAL_PERSISTS = { ms: 5 * 60_000, answers: 4 } as const;

/** Doubtful refusals remembered at most this long after the last one (a document whose batch changed shape). */
const REFUSAL_MEMORY_MS = 60 * 60_000;

/**
 * Sorts a failed write: no status (network, login) or a transient status is retried, honouring `Retry-After`;
 * any other status is refused for good.
 */
export function failureOutcome(
  reason: string,
  status: number | undefined,
  retryAfter: string | null,
  now: Date,
): WriteOutcome {
  if (status === undefined || isTransientStatus(status)) {
    const hint = retryAfterMs(retryAfter, now);
    return { kind: 'retry', reason, ...(hint === undefined ? {} : { retryAfterMs: hint }) };
  }
  return { kind: 'refused', reason, status };
}

/** The doubtful refusals of one document so far. */
interface Refusals {
  first: number;
  last: number;
  answers: number;
}

/**
 * Bounds of every write to the pod. A patch of 1,000 readings takes a loaded CSS a few seconds (its own resource
 * lock expires after 6 s), so 30 s is generous; the answer of a PATCH is empty or a short error, so 1 MiB is too.
 */
export const POD_WRITE_BOUNDS: FetchBounds = { timeoutMs: 30_000, maxBytes: 1024 * 1024 };

/**
 * Deadline of a whole login (issuer discovery, token request, the session's own retries of timeouts: ~20 s at
 * worst, solid-session.ts). openid-client times out only a silent socket, so an issuer that trickles a byte every
 * second would otherwise hold the login, and with it every write, for ever.
 */
export const LOGIN_TIMEOUT_MS = 60_000;

/** What a PodWriter may be given besides its credentials (tests shorten the bounds and bring their own login). */
export interface PodWriterOptions {
  bounds?: FetchBounds;
  loginTimeoutMs?: number;
  login?: (credentials: ClientCredentials) => Promise<SolidAgent>;
}

/**
 * The gateway's write access to one resident's pod; logs in on first use and again after token expiry. Every
 * write is bounded ({@link POD_WRITE_BOUNDS}): a pod that never answers or trickles bytes costs one timeout, and
 * the write is retried with the scheduler's backoff and jitter like any other transient failure.
 */
export class PodWriter {
  private readonly credentials: ClientCredentials;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly bounds: FetchBounds;
  private readonly signIn: (credentials: ClientCredentials) => Promise<SolidAgent>;
  private readonly loginTimeoutMs: number;
  private agent: Promise<SolidAgent> | undefined;
  /** Documents answered a doubtful 4xx ({@link mayBeTransientRefusal}) and not written or refused since. */
  private readonly refusals = new Map<string, Refusals>();
  /** Successful writes and all attempts, for status and the benchmark. */
  writes = 0;
  attempts = 0;
  /** Doubtful 4xx answers by status, retried or refused, for the soak benchmark's account of a restart. */
  readonly doubtfulAnswers = new Map<number, number>();

  constructor(
    credentials: ClientCredentials,
    logger: Logger,
    now: () => Date,
    options: PodWriterOptions = {},
  ) {
    this.credentials = credentials;
    this.logger = logger;
    this.now = now;
    this.bounds = options.bounds ?? POD_WRITE_BOUNDS;
    this.signIn = options.login ?? loginWithClientCredentials;
    this.loginTimeoutMs = options.loginTimeoutMs ?? LOGIN_TIMEOUT_MS;
  }

  /** A login that fails after `loginTimeoutMs`; one that finishes later is logged out (its timer would keep Node alive). */
  private signInWithinDeadline(): Promise<SolidAgent> {
    const { issuer } = this.credentials;
    const signingIn = this.signIn(this.credentials);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void signingIn.then((late) => late.logout()).catch(() => undefined);
        reject(
          new PodError(`Login at ${issuer} did not finish within ${this.loginTimeoutMs} ms`, {
            url: issuer,
            timedOut: true,
          }),
        );
      }, this.loginTimeoutMs);
    });
    return Promise.race([signingIn, deadline]).finally(() => clearTimeout(timer));
  }

  /** The logged-in agent; a failed login is forgotten so the next write tries again. */
  private session(): Promise<SolidAgent> {
    if (!this.agent) {
      const login = this.signInWithinDeadline();
      this.agent = login;
      login.then(
        (agent) => this.logger.info({ webId: agent.webId }, 'gateway logged in'),
        () => {
          if (this.agent === login) this.agent = undefined;
        },
      );
    }
    return this.agent;
  }

  /** Logs in now rather than at the first write, so bad credentials show at start; failures are retried by writes. */
  async login(): Promise<void> {
    await this.session();
  }

  /** Inserts the quads into the document at `url`; identical triples already there are kept once. */
  async insert(url: string, quads: Quad[]): Promise<WriteOutcome> {
    return this.attempt(url, async (fetchFn) => {
      await patchInsert(fetchFn, url, quads);
    });
  }

  /**
   * Creates the document at `url` holding the quads (`PUT` with `If-None-Match: *`, one request, no rewrite of
   * anything already there). When it exists already, 412, or 403 to an Append-only agent, which cannot tell
   * "exists" from "forbidden" (measured, NOTES.md), the quads are inserted into it instead: a retried write of
   * the same document adds nothing, and a refused one is refused by the patch too. `turtle` says how the document
   * is written (its prefixes); the patch carries full IRIs.
   */
  async create(url: string, quads: Quad[], turtle: SerializeOptions = {}): Promise<WriteOutcome> {
    const document = serializeTurtle(quads, turtle);
    return this.attempt(url, async (fetchFn) => {
      const response = await createDocument(fetchFn, url, document);
      if (response === 'exists') await patchInsert(fetchFn, url, quads);
    });
  }

  /**
   * Creates the document at `url` holding the quads, and never adds to one that exists (412, or 403 to an
   * Append-only agent): `exists` then. For documents that must hold exactly what one write put there (a Prio3
   * report: a second report in its document makes both aggregators refuse it).
   */
  async createOnce(url: string, quads: Quad[]): Promise<WriteOutcome | { kind: 'exists' }> {
    const turtle = serializeTurtle(quads);
    const answer: { created?: 'created' | 'exists' } = {};
    const outcome = await this.attempt(url, async (fetchFn) => {
      answer.created = await createDocument(fetchFn, url, turtle);
    });
    return outcome.kind === 'written' && answer.created === 'exists' ? { kind: 'exists' } : outcome;
  }

  /** Runs one write of `url` as the logged-in agent, bounded, and sorts its failure into retry or refuse. */
  private async attempt(url: string, write: (fetchFn: typeof fetch) => Promise<void>): Promise<WriteOutcome> {
    this.attempts++;
    let agent: SolidAgent;
    try {
      agent = await this.session();
    } catch (error) {
      return { kind: 'retry', reason: `login failed: ${(error as Error).message}` };
    }
    let last: Response | undefined;
    const bounded = boundedFetch(agent.fetch, this.bounds);
    const observed: typeof fetch = async (input, init) => {
      last = await bounded(input, init);
      return last;
    };
    try {
      await write(observed);
      this.writes++;
      this.refusals.delete(url);
      return { kind: 'written' };
    } catch (error) {
      if (!(error instanceof HomedataError)) throw error;
      const status = error instanceof PodError ? (error.context.podStatus as number | undefined) : undefined;
      if (status !== undefined && mayBeTransientRefusal(status))
        return this.doubtfulRefusal(url, error.message, status);
      const outcome = failureOutcome(
        error.message,
        status,
        last?.headers.get('retry-after') ?? null,
        this.now(),
      );
      if (outcome.kind === 'refused') this.refusals.delete(url);
      return outcome;
    }
  }

  /**
   * A doubtful 4xx for `url`: retried (the scheduler backs off) until the document has been refused on
   * {@link REFUSAL_PERSISTS}.answers attempts spanning {@link REFUSAL_PERSISTS}.ms, then refused for good.
   */
  private doubtfulRefusal(url: string, reason: string, status: number): WriteOutcome {
    const now = this.now().getTime();
    for (const [other, seen] of this.refusals) {
      if (now - seen.last > REFUSAL_MEMORY_MS) this.refusals.delete(other);
    }
    const seen = this.refusals.get(url) ?? { first: now, last: now, answers: 0 };
    seen.last = now;
    seen.answers++;
    this.doubtfulAnswers.set(status, (this.doubtfulAnswers.get(status) ?? 0) + 1);
    this.refusals.set(url, seen);
    if (seen.answers >= REFUSAL_PERSISTS.answers && now - seen.first >= REFUSAL_PERSISTS.ms) {
      this.refusals.delete(url);
      const over = Math.round((now - seen.first) / 1000);
      return { kind: 'refused', reason: `${reason} (answered ${seen.answers} times over ${over} s)`, status };
    }
    this.logger.warn({ document: url, status, answers: seen.answers }, 'pod refused a write; will retry');
    return { kind: 'retry', reason };
  }

  /** Ends the session (its renewal timer would otherwise keep the process alive). */
  async close(): Promise<void> {
    const agent = await this.agent?.catch(() => undefined);
    this.agent = undefined;
    await agent?.logout().catch(() => undefined);
  }
}

/** `PUT`s a new Turtle document; 'exists' when the pod says it is there already (412) or may be (403). */
async function createDocument(
  fetchFn: typeof fetch,
  url: string,
  turtle: string,
): Promise<'created' | 'exists'> {
  try {
    const response = await writeTurtle(fetchFn, url, turtle, { ifNoneMatch: '*' });
    return response.status === 412 ? 'exists' : 'created';
  } catch (error) {
    if (error instanceof PodError && error.context.podStatus === 403) return 'exists';
    throw error;
  }
}
