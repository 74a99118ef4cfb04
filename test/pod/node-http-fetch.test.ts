// nodeHttpFetch behaves as Node's own fetch in every way the gateway and its login rely on; each case runs on both.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedFetch } from '../../src/pod/bounded-fetch.ts';
import { nodeHttpFetch } from '../../src/pod/node-http-fetch.ts';
import { PodError } from '../../src/errors.ts';

/** What a test server saw of one request. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A server on a free port of localhost that records each request and answers with `handle`. */
async function startServer(
  handle: (request: IncomingMessage, response: ServerResponse, seen: Seen) => void,
): Promise<{ origin: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method!,
        url: request.url!,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      handle(request, response, entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  return { origin: `http://localhost:${(server.address() as AddressInfo).port}`, seen, server };
}

let main: Awaited<ReturnType<typeof startServer>>;
let other: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  other = await startServer((_request, response) => response.end('elsewhere'));
  main = await startServer((request, response) => {
    const path = new URL(request.url!, 'http://x').pathname;
    if (path === '/see-other') return void response.writeHead(303, { location: '/echo' }).end();
    if (path === '/found') return void response.writeHead(302, { location: '/echo' }).end();
    if (path === '/temporary') return void response.writeHead(307, { location: '/echo' }).end();
    if (path === '/away') return void response.writeHead(302, { location: `${other.origin}/there` }).end();
    if (path === '/loop') return void response.writeHead(302, { location: '/loop' }).end();
    if (path === '/empty') return void response.writeHead(204).end();
    if (path === '/never') return;
    if (path === '/trickle') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first bytes');
      return;
    }
    if (path === '/large') return void response.end('x'.repeat(100_000));
    if (path === '/large-chunked') {
      response.write('x'.repeat(50_000));
      return void response.end('x'.repeat(50_000));
    }
    response.writeHead(path === '/missing' ? 404 : 200, {
      'content-type': 'text/turtle',
      etag: '"v1"',
      'set-cookie': ['a=1', 'b=2'],
    });
    response.end(`${request.method} ${path}`);
  });
});

afterAll(async () => {
  for (const { server } of [main, other]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const IMPLEMENTATIONS: [string, typeof fetch][] = [
  ['Node fetch (undici)', fetch],
  ['nodeHttpFetch', nodeHttpFetch],
];

describe.each(IMPLEMENTATIONS)('%s', (_name, fetchFn) => {
  it('sends the method, headers and a text body, and gives the status, headers and body back', async () => {
    const response = await fetchFn(`${main.origin}/doc?x=1`, {
      method: 'PUT',
      headers: { 'content-type': 'text/turtle', 'if-none-match': '*', authorization: 'DPoP token' },
      body: '<#a> <#b> "é" .',
    });
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get('etag')).toBe('"v1"');
    expect(response.headers.get('content-type')).toBe('text/turtle');
    expect(await response.text()).toBe('PUT /doc');
    expect(response.url).toBe(`${main.origin}/doc?x=1`);
    expect(response.redirected).toBe(false);
    const seen = main.seen.at(-1)!;
    expect(seen).toMatchObject({ method: 'PUT', url: '/doc?x=1', body: '<#a> <#b> "é" .' });
    expect(seen.headers).toMatchObject({
      'content-type': 'text/turtle',
      'if-none-match': '*',
      authorization: 'DPoP token',
      'content-length': String(Buffer.byteLength('<#a> <#b> "é" .')),
    });
  });

  it('sends bytes and form bodies with the content type fetch gives them', async () => {
    await fetchFn(`${main.origin}/bytes`, { method: 'PATCH', body: new TextEncoder().encode('bytes') });
    expect(main.seen.at(-1)!.body).toBe('bytes');
    await fetchFn(`${main.origin}/form`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(main.seen.at(-1)!.body).toBe('grant_type=client_credentials');
    expect(main.seen.at(-1)!.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    await fetchFn(`${main.origin}/text`, { method: 'POST', body: 'plain' });
    expect(main.seen.at(-1)!.headers['content-type']).toBe('text/plain;charset=UTF-8');
  });

  it('gives a status other than 2xx as a response, not an error', async () => {
    const response = await fetchFn(`${main.origin}/missing`);
    expect(response.status).toBe(404);
    expect(response.ok).toBe(false);
    expect(await response.text()).toBe('GET /missing');
  });

  it('gives no body for a 204 or a HEAD', async () => {
    expect((await fetchFn(`${main.origin}/empty`)).body).toBeNull();
    const head = await fetchFn(`${main.origin}/doc`, { method: 'HEAD' });
    expect(head.body).toBeNull();
    expect(head.headers.get('etag')).toBe('"v1"');
  });

  it('follows a 303 after a PUT as a GET without the body, and a 307 with the method and body', async () => {
    const seeOther = await fetchFn(`${main.origin}/see-other`, { method: 'PUT', body: 'data' });
    expect(await seeOther.text()).toBe('GET /echo');
    expect(seeOther.redirected).toBe(true);
    expect(seeOther.url).toBe(`${main.origin}/echo`);
    expect(main.seen.at(-1)).toMatchObject({ method: 'GET', body: '' });
    expect(main.seen.at(-1)!.headers['content-type']).toBeUndefined();
    const found = await fetchFn(`${main.origin}/found`, { method: 'POST', body: 'data' });
    expect(await found.text()).toBe('GET /echo');
    const temporary = await fetchFn(`${main.origin}/temporary`, { method: 'PUT', body: 'data' });
    expect(await temporary.text()).toBe('PUT /echo');
    expect(main.seen.at(-1)).toMatchObject({ method: 'PUT', body: 'data' });
  });

  it('does not carry the Authorization header across a redirect to another origin', async () => {
    const response = await fetchFn(`${main.origin}/away`, { headers: { authorization: 'DPoP secret' } });
    expect(await response.text()).toBe('elsewhere');
    expect(other.seen.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('gives a redirect back as it is in manual mode, and fails in error mode or past 20 redirects', async () => {
    const manual = await fetchFn(`${main.origin}/found`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/echo');
    await expect(fetchFn(`${main.origin}/found`, { redirect: 'error' })).rejects.toThrow(TypeError);
    await expect(fetchFn(`${main.origin}/loop`)).rejects.toThrow('fetch failed');
  });

  it('rejects with the signal’s reason when no answer comes in time, and errors the body when it stalls', async () => {
    const noAnswer = fetchFn(`${main.origin}/never`, { signal: AbortSignal.timeout(200) });
    await expect(noAnswer).rejects.toMatchObject({ name: 'TimeoutError' });
    const trickling = await fetchFn(`${main.origin}/trickle`, { signal: AbortSignal.timeout(300) });
    expect(trickling.status).toBe(200);
    await expect(trickling.text()).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('rejects at once with a signal already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(fetchFn(`${main.origin}/doc`, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('fails with "fetch failed" and the cause when nothing listens', async () => {
    const closed = await startServer(() => undefined);
    closed.server.close();
    const error = await fetchFn(`${closed.origin}/`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect((error as { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
  });

  it('works inside the bounds every pod call has: a body past the cap fails as a PodError', async () => {
    const bounded = boundedFetch(fetchFn, { timeoutMs: 5_000, maxBytes: 10_000 });
    await expect(bounded(`${main.origin}/large`)).rejects.toThrow(PodError);
    const response = await bounded(`${main.origin}/large-chunked`);
    await expect(response.text()).rejects.toThrow(PodError);
    const stalled = boundedFetch(fetchFn, { timeoutMs: 200, maxBytes: 10_000 });
    await expect(stalled(`${main.origin}/never`)).rejects.toMatchObject({ context: { timedOut: true } });
  });
});
