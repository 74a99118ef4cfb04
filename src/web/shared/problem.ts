// Turns broker answers that are not OK into one error the pages show: RFC 9457 problem details with field errors.

/** One invalid field as the broker names it: a dotted path (`period.to`, `metrics.1`) and what is wrong. */
export interface FieldError {
  field: string;
  message: string;
}

/** A failed call, with the broker's own words when it sent a problem document. */
export class ProblemError extends Error {
  readonly status: number;
  readonly title: string;
  /** The problem type IRI, e.g. `https://homedata.dev/problems/differencing`. */
  readonly type: string;
  readonly fieldErrors: readonly FieldError[];

  constructor(
    status: number,
    title: string,
    detail: string,
    type = 'about:blank',
    fieldErrors: FieldError[] = [],
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.status = status;
    this.title = title;
    this.type = type;
    this.fieldErrors = fieldErrors;
  }
}

/** Whether a value looks like a list of field errors. */
function isFieldErrors(value: unknown): value is FieldError[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as FieldError).field === 'string' &&
        typeof (item as FieldError).message === 'string',
    )
  );
}

/** Builds the error for a response that is not OK; reads the problem document when there is one. */
export async function problemOf(response: Response): Promise<ProblemError> {
  const fallback = `The server answered ${response.status} ${response.statusText}`.trim();
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    return new ProblemError(response.status, response.statusText || 'Error', fallback);
  }
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return new ProblemError(
    response.status,
    typeof problem.title === 'string' ? problem.title : response.statusText || 'Error',
    typeof problem.detail === 'string' ? problem.detail : fallback,
    typeof problem.type === 'string' ? problem.type : 'about:blank',
    isFieldErrors(problem.errors) ? problem.errors : [],
  );
}

/** A message for any thrown value, fit to show a person: network failures say so in plain words. */
export function messageOf(error: unknown): string {
  if (error instanceof ProblemError) return error.message;
  if (error instanceof TypeError)
    return 'The server could not be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
