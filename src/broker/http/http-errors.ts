// The HTTP-only members of the error family: malformed or oversized bodies, wrong media types, too many requests.
import { HomedataError } from '../../errors.ts';

/** A body that is not JSON at all. */
export class MalformedBodyError extends HomedataError {
  constructor(message: string) {
    super('malformed-body', 400, message);
  }
}

/** A body larger than the broker accepts. */
export class PayloadTooLargeError extends HomedataError {
  constructor(limitBytes: number) {
    super('payload-too-large', 413, `The body is larger than ${limitBytes} bytes`, { limitBytes });
  }
}

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
