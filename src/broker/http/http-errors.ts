// The broker's HTTP-only members of the error family: wrong media types, too many requests (bodies: `http-problem.ts`).
import { HomedataError } from '../../errors.ts';

/** A body in a media type the route does not take. */
export class UnsupportedMediaTypeError extends HomedataError {
  constructor(expected: string) {
    super('unsupported-media-type', 415, `Send the body as ${expected}`, { expected });
  }
}

/** A client over the rate limit. */
export class TooManyRequestsError extends HomedataError {
  constructor() {
    super('too-many-requests', 429, 'Too many requests; try again later');
  }
}
