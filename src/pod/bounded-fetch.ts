// Every call to a pod within bounds: a deadline for the whole exchange (headers and body) and a cap on the bytes read.
import { PodError } from '../errors.ts';

/** The bounds of one call. */
export interface FetchBounds {
  /** Deadline for the whole exchange, headers and body. */
  readonly timeoutMs: number;
  /** Largest body read, in bytes. */
  readonly maxBytes: number;
}

/** How a capped body fails: past the cap, or when the read itself fails (the deadline, a reset). */
export interface CappedBodyErrors {
  tooLarge(): Error;
  failed(error: unknown): Error;
}

/**
 * Wraps a body so that reading past `maxBytes` fails with `errors.tooLarge()` (and stops reading), and any other
 * read failure with `errors.failed(cause)`. The deadline is the fetch's own signal, which aborts the body too.
 */
export function cappedBody(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  errors: CappedBodyErrors,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let seen = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        seen += value.byteLength;
        if (seen > maxBytes) {
          await reader.cancel().catch(() => undefined);
          controller.error(errors.tooLarge());
          return;
        }
        controller.enqueue(value);
      } catch (error) {
        controller.error(errors.failed(error));
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** Whether an error is an abort by a deadline signal. */
export function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/**
 * `fetchImpl` within `bounds`: each call gets a deadline for the whole exchange (combined with the caller's own
 * signal) and a body that stops at `maxBytes`. A pod that never answers or trickles bytes costs at most
 * `timeoutMs` and `maxBytes`; either fails as a {@link PodError} without a pod status, which callers retry.
 */
export function boundedFetch(fetchImpl: typeof fetch, bounds: FetchBounds): typeof fetch {
  return async (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    const deadline = AbortSignal.timeout(bounds.timeoutMs);
    const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
    const timedOut = (cause: unknown): PodError =>
      new PodError(
        isTimeout(cause)
          ? `Pod server did not answer within ${bounds.timeoutMs} ms`
          : `Pod server unreachable at ${new URL(url).origin}`,
        { url, timedOut: isTimeout(cause) },
        cause,
      );
    let response: Response;
    try {
      response = await fetchImpl(input, { ...init, signal });
    } catch (error) {
      throw timedOut(error);
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > bounds.maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new PodError(`Pod answer larger than ${bounds.maxBytes} bytes`, {
        url,
        podStatus: response.status,
      });
    }
    if (!response.body) return response;
    return new Response(
      cappedBody(response.body, bounds.maxBytes, {
        tooLarge: () => new PodError(`Pod answer larger than ${bounds.maxBytes} bytes`, { url }),
        failed: timedOut,
      }),
      { status: response.status, statusText: response.statusText, headers: response.headers },
    );
  };
}
