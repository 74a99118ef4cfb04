// The one place errors become HTTP answers, for every HTTP edge (broker, helper, gateway input): RFC 9457 problems.
// It sits beside `errors.ts`, not under `broker/` or `gateway/`, because both edges use it and neither may import
// the other; it depends only on the error family, the logger type and express.
import type { ErrorRequestHandler, Response } from 'express';
import { HomedataError, LimitExceededError, PROBLEM_BASE, StorageFullError } from './errors.ts';
import type { Logger } from './logging.ts';
import type { FieldError } from './validation-issues.ts';

/** A body that is not JSON at all. */
export class MalformedBodyError extends HomedataError {
  constructor(message: string) {
    super('malformed-body', 400, message);
  }
}

/** A body larger than the edge accepts. */
export class PayloadTooLargeError extends HomedataError {
  constructor(limitBytes: number) {
    super('payload-too-large', 413, `The body is larger than ${limitBytes} bytes`, { limitBytes });
  }
}

export type { FieldError };

/** An RFC 9457 problem document. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Field errors of a validation problem. */
  errors?: FieldError[];
  /** The configured limit a request went over (`limits.maxCells`), its value and what was asked. */
  limit?: { name: string; max: number; actual: number };
}

/** Short titles per problem slug; a problem's `detail` says what happened this time. */
const TITLES: Record<string, string> = {
  validation: 'Invalid input',
  'malformed-body': 'Malformed body',
  'payload-too-large': 'Body too large',
  'unsupported-media-type': 'Unsupported media type',
  'bad-request': 'Bad request',
  'not-acceptable': 'Not acceptable',
  'too-many-requests': 'Too many requests',
  unauthenticated: 'Not authenticated',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  'too-many-cells': 'Request too large',
  'run-active': 'A run of this request is already queued or running',
  'run-quota': 'Too many active runs',
  pod: 'Pod server error',
  'outbound-call': 'Outside server refused or unreachable',
  unavailable: 'Service unavailable',
  'insufficient-storage': 'Insufficient storage',
  'broker-not-told': 'Broker not told',
  config: 'Invalid configuration',
  timeout: 'Timed out',
  'demo-setup': 'Demo setup failed',
  internal: 'Internal error',
};

/** Errors from express's JSON body parser (body-parser): they carry a `type` and an HTTP status. */
interface BodyParserError {
  type: string;
  status: number;
  limit?: number;
}

/** Whether a thrown value came from the body parser. */
function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof (error as BodyParserError).status === 'number'
  );
}

/** Maps body-parser failures into the error family. */
function normalise(error: unknown): unknown {
  if (!isBodyParserError(error)) return error;
  if (error.type === 'entity.too.large') return new PayloadTooLargeError(error.limit ?? 0);
  if (error.type === 'entity.parse.failed') return new MalformedBodyError('The body is not valid JSON');
  if (error.status >= 400 && error.status < 500)
    return new HomedataError('bad-request', error.status, 'Bad request body');
  return error;
}

/** The slug and 5xx status an edge answers an error outside the family with. */
export interface UnexpectedAnswer {
  problem: string;
  status: number;
}

/** The default answer to an error outside the family. */
const INTERNAL: UnexpectedAnswer = { problem: 'internal', status: 500 };

/**
 * The problem document for any thrown value. Only the message and field errors of our own errors are shown:
 * error contexts may hold pod URLs or WebIDs and stay in the logs.
 */
export function problemFor(thrown: unknown, unexpected: UnexpectedAnswer = INTERNAL): ProblemDocument {
  const error = normalise(thrown);
  if (error instanceof HomedataError && error.status < 500) {
    const errors = error.context.errors as FieldError[] | undefined;
    const { limit, max, actual } = error instanceof LimitExceededError ? error.context : {};
    return {
      type: `${PROBLEM_BASE}${error.problem}`,
      title: TITLES[error.problem] ?? error.problem.replace(/-/g, ' '),
      status: error.status,
      detail: error.message,
      ...(errors ? { errors } : {}),
      ...(limit !== undefined ? { limit: { name: limit, max: max!, actual: actual! } } : {}),
    };
  }
  if (error instanceof HomedataError) {
    // A pod server, an upstream or the disk failed: say which kind, not where, and never the message.
    return {
      type: `${PROBLEM_BASE}${error.problem}`,
      title: TITLES[error.problem] ?? 'Server error',
      status: error.status,
      detail: 'The server or one it depends on failed; try again later',
    };
  }
  return {
    type: `${PROBLEM_BASE}${unexpected.problem}`,
    title: TITLES[unexpected.problem] ?? 'Server error',
    status: unexpected.status,
    detail: 'The server failed to answer; the error is logged',
  };
}

/** Replaces every URL in a text with `<url>`: a log line must not say whose pod or WebID was involved. */
export function withoutUrls(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s"'<>)]+/g, '<url>');
}

/** Sends a problem document; a 401 names the authentication scheme the route expects. */
export function sendProblem(res: Response, problem: ProblemDocument, challenge?: string): void {
  if (problem.status === 401 && challenge) res.setHeader('WWW-Authenticate', challenge);
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/**
 * The express error handler: every error a route throws ends here. `unexpected` is how an edge answers an error
 * outside the family (the gateway input says 503 so a webhook retries; the broker says 500).
 */
export function problemHandler(logger: Logger, unexpected: UnexpectedAnswer = INTERNAL): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = problemFor(error, unexpected);
    // A full disk is logged once per episode where it is detected (the outbox writer), not once per request.
    if (problem.status >= 500 && !(error instanceof StorageFullError)) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      logger.error(
        { problem: problem.type, error: withoutUrls(text), method: req.method, path: req.path },
        'request failed',
      );
    }
    const challenge =
      error instanceof HomedataError ? (error.context.challenge as string | undefined) : undefined;
    sendProblem(res, problem, challenge);
  };
}
