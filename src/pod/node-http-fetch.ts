// `fetch` over node:http and node:https, for the long-running gateway: Node's own fetch (undici, its WebAssembly
// parser and connection pool) holds 2–4 MB more of a small board's memory (docs/gateway.md, "Seventh round").
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Statuses whose response has no body (Fetch standard, "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
/** Fetch standard, "HTTP-redirect fetch": a 21st redirect is a network error. */
const MAX_REDIRECTS = 20;
/** Request headers a redirect to another origin must not carry (as undici drops them). */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];
/** Request headers that describe a body, dropped when a redirect turns the request into a bodiless GET. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];

/** One request as it goes on the wire: the parts of a `Request` that node:http needs. */
interface WireRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: Buffer | undefined;
  redirect: RequestRedirect;
  signal: AbortSignal;
}

/** A network failure, shaped as `fetch` rejects with it: a TypeError "fetch failed" whose cause is the reason. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

/**
 * Sends one request and resolves with its response head. An abort of the signal ends the exchange with the signal's
 * reason, before the head (the promise rejects) or after it (the body stream errors), as `fetch` does.
 */
function send(request: WireRequest): Promise<http.IncomingMessage> {
  const { url, method, signal } = request;
  if (signal.aborted) return Promise.reject(signal.reason);
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!client) return Promise.reject(fetchFailed(new Error(`unsupported scheme ${url.protocol}`)));
  const headers: Record<string, string> = { accept: '*/*' };
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return new Promise((resolve, reject) => {
    const outgoing = client.request(url, { method, headers });
    let incoming: http.IncomingMessage | undefined;
    const onAbort = (): void => {
      if (incoming) {
        incoming.destroy(signal.reason as Error);
        return;
      }
      outgoing.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    outgoing.once('response', (response) => {
      incoming = response;
      response.once('close', () => signal.removeEventListener('abort', onAbort));
      resolve(response);
    });
    outgoing.once('error', (error) => {
      if (incoming) return;
      signal.removeEventListener('abort', onAbort);
      reject(signal.aborted ? signal.reason : fetchFailed(error));
    });
    outgoing.end(request.body);
  });
}

/** The headers of a response, in the order and multiplicity they came. */
function responseHeaders(incoming: http.IncomingMessage): Headers {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) headers.append(raw[index]!, raw[index + 1]!);
  return headers;
}

/** The request a redirect leads to, or a network error when the request's redirect mode forbids following it. */
function redirected(request: WireRequest, status: number, location: string, count: number): WireRequest {
  if (request.redirect === 'error') throw fetchFailed(new Error(`unexpected redirect to ${location}`));
  if (count >= MAX_REDIRECTS) throw fetchFailed(new Error(`more than ${MAX_REDIRECTS} redirects`));
  const url = new URL(location, request.url);
  const headers = new Headers(request.headers);
  if (url.origin !== request.url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  const toGet =
    (status === 303 && request.method !== 'GET' && request.method !== 'HEAD') ||
    ((status === 301 || status === 302) && request.method === 'POST');
  if (!toGet) return { ...request, url, headers };
  for (const name of BODY_HEADERS) headers.delete(name);
  return { ...request, url, headers, method: 'GET', body: undefined };
}

/**
 * `fetch` as the Fetch standard gives it to a server-side client, on node:http's agents (keep-alive, as Node's
 * global agents are): redirects followed (at most 20, credentials dropped across origins, a 303 or a POST's 301/302
 * turned into a GET), `manual` and `error` modes, a signal that aborts the request and then its body with the
 * signal's reason, network failures as `TypeError: fetch failed` with the cause. The request is normalised by the
 * standard `Request` (method, headers, body and its content type); its body is read whole before sending, which the
 * gateway's writes (Turtle, N3 Patch, form posts of a login) are. Responses are the standard `Response`, with their
 * `url` and `redirected` set. Unlike undici it asks for no compression, so none is undone.
 */
export const nodeHttpFetch: typeof fetch = async (input, init) => {
  const normalised = new Request(input, init);
  let request: WireRequest = {
    url: new URL(normalised.url),
    method: normalised.method,
    headers: normalised.headers,
    body: normalised.body ? Buffer.from(await normalised.arrayBuffer()) : undefined,
    redirect: normalised.redirect,
    signal: init?.signal ?? normalised.signal,
  };
  for (let count = 0; ; count++) {
    const incoming = await send(request);
    const status = incoming.statusCode ?? 0;
    const location = incoming.headers.location;
    if (REDIRECT_STATUSES.has(status) && location !== undefined && request.redirect !== 'manual') {
      incoming.resume();
      request = redirected(request, status, location, count);
      continue;
    }
    if (status < 200 || status > 599) {
      incoming.destroy();
      throw fetchFailed(new Error(`status ${status} cannot be a response`));
    }
    const withoutBody = NULL_BODY_STATUSES.has(status) || request.method === 'HEAD';
    if (withoutBody) incoming.resume();
    const response = new Response(
      withoutBody ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>),
      { status, statusText: incoming.statusMessage ?? '', headers: responseHeaders(incoming) },
    );
    Object.defineProperties(response, {
      url: { value: request.url.href },
      redirected: { value: count > 0 },
    });
    return response;
  }
};
