// The one place errors become HTTP answers: RFC 9457 problem details (`application/problem+json`).
import type { ErrorRequestHandler, Response } from 'express';
import { HomedataError, PROBLEM_BASE } from '../../errors.ts';
import type { Logger } from '../../logging.ts';
import { MalformedBodyError, PayloadTooLargeError } from './http-errors.ts';

/** One invalid field: a dotted path into the input (`period.to`, `metrics.1`) and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem document. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Field errors of a validation problem. */
  errors?: FieldError[];
}

/** Short titles per problem slug; a problem's `detail` says what happened this time. */
const TITLES: Record<string, string> = {
  validation: 'Invalid input',
  'malformed-body': 'Malformed body',
  'payload-too-large': 'Body too large',
  'unsupported-media-type': 'Unsupported media type',
  'too-many-requests': 'Too many requests',
  unauthenticated: 'Not authenticated',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  pod: 'Pod server error',
  'outbound-call': 'Outside server refused or unreachable',
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

/**
 * The problem document for any thrown value. Only the message and field errors of our own errors are shown:
 * error contexts may hold pod URLs or WebIDs and stay in the logs.
 */
export function problemFor(thrown: unknown): ProblemDocument {
  const error = normalise(thrown);
  if (error instanceof HomedataError && error.status < 500) {
    const errors = error.context.errors as FieldError[] | undefined;
    return {
      type: `${PROBLEM_BASE}${error.problem}`,
      title: TITLES[error.problem] ?? error.problem.replace(/-/g, ' '),
      status: error.status,
      detail: error.message,
      ...(errors ? { errors } : {}),
    };
  }
  if (error instanceof HomedataError) {
    // A pod server or other upstream failed: say which kind, not where.
    return {
      type: `${PROBLEM_BASE}${error.problem}`,
      title: TITLES[error.problem] ?? 'Upstream error',
      status: error.status,
      detail: 'A server the broker depends on failed; try again later',
    };
  }
  return {
    type: `${PROBLEM_BASE}internal`,
    title: TITLES.internal!,
    status: 500,
    detail: 'The broker failed to answer; the error is logged',
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

/** The express error handler: every error a route throws ends here. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = problemFor(error);
    if (problem.status >= 500) {
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
