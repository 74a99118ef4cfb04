// The one family of typed errors: each carries an RFC 9457 problem type, an HTTP status and its context.

/** Context that explains an error; never holds WebIDs, pod URLs or per-home values when it can reach a council. */
export type ErrorContext = Record<string, unknown>;

/** Base of every error homedata throws on purpose. */
export class HomedataError extends Error {
  /** Short problem slug; the problem type IRI is `https://homedata.dev/problems/<slug>`. */
  readonly problem: string;
  /** HTTP status a route answers with. */
  readonly status: number;
  /** Structured details for logs and problem documents. */
  readonly context: ErrorContext;

  constructor(problem: string, status: number, message: string, context: ErrorContext = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.problem = problem;
    this.status = status;
    this.context = context;
  }
}

/** Input that does not have the expected shape (bad JSON, wrong types, failed SHACL shape). */
export class ValidationError extends HomedataError {
  constructor(message: string, context: ErrorContext = {}) {
    super('validation', 422, message, context);
  }
}

/** Configuration or command-line arguments that cannot work. */
export class ConfigError extends HomedataError {
  constructor(message: string, context: ErrorContext = {}) {
    super('config', 400, message, context);
  }
}

/** A pod server answered unexpectedly or could not be reached. */
export class PodError extends HomedataError {
  constructor(
    message: string,
    context: ErrorContext & { url?: string; podStatus?: number } = {},
    cause?: unknown,
  ) {
    super('pod', 502, message, context, cause);
  }
}

/** A caller is not who it says it is (missing or bad token, unknown key). */
export class AuthenticationError extends HomedataError {
  constructor(message: string, context: ErrorContext = {}) {
    super('unauthenticated', 401, message, context);
  }
}

/** A known caller asked for something it may not have. */
export class ForbiddenError extends HomedataError {
  constructor(message: string, context: ErrorContext = {}) {
    super('forbidden', 403, message, context);
  }
}

/** Something named by the caller does not exist. */
export class NotFoundError extends HomedataError {
  constructor(message: string, context: ErrorContext = {}) {
    super('not-found', 404, message, context);
  }
}

/** The request conflicts with a rule or the current state (differencing, spent budget, duplicate). */
export class ConflictError extends HomedataError {
  constructor(problem: string, message: string, context: ErrorContext = {}) {
    super(problem, 409, message, context);
  }
}

/** Which configured limit a request or run went over, and by how much: shown to the caller in the problem. */
export interface LimitContext extends ErrorContext {
  /** The configuration key of the limit, e.g. `limits.maxCells`. */
  limit: string;
  /** The limit's value. */
  max: number;
  /** What the caller asked for or already has, in the limit's unit. */
  actual: number;
}

/**
 * A request or run over one of the broker's configured limits (a 409 for a rule about current state, a 422 for
 * a request too large, a 429 for a quota): its problem names the limit and the numbers.
 */
export class LimitExceededError extends HomedataError {
  declare readonly context: LimitContext;

  constructor(problem: string, status: 409 | 422 | 429, message: string, context: LimitContext) {
    super(problem, status, message, context);
  }
}

/** The base of problem type IRIs. */
export const PROBLEM_BASE = 'https://homedata.dev/problems/';

/** Maps any thrown value to the exit code the CLI ends with. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ValidationError || error instanceof ConfigError) return 2;
  if (error instanceof AuthenticationError || error instanceof ForbiddenError) return 3;
  if (error instanceof PodError) return 4;
  if (error instanceof HomedataError) return 5;
  return 1;
}

/** The disk under a store is full: nothing more is accepted until space returns; what was accepted is kept. */
export class StorageFullError extends HomedataError {
  constructor(message: string, context: ErrorContext = {}, cause?: unknown) {
    super('insufficient-storage', 507, message, context, cause);
  }
}

/** Work that did not finish within its deadline (e.g. draining the outbox); what was done is kept. */
export class TimeoutError extends HomedataError {
  constructor(message: string, context: ErrorContext & { timeoutMs: number }, cause?: unknown) {
    super('timeout', 504, message, context, cause);
  }
}
