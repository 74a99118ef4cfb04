import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  guardedFetch,
  isPrivateAddress,
  OutboundCallError,
  type OutboundRules,
} from '../../../src/broker/trust/guarded-fetch.ts';
import { startHostileServer, type HostileServer } from '../../helpers/hostile-server.ts';

let hostile: HostileServer;
let rules: OutboundRules;

beforeAll(async () => {
  hostile = await startHostileServer();
  rules = {
    allowedOrigins: new Set([new URL(hostile.url).origin]),
    allowPrivateNetwork: false,
    timeoutMs: 1_000,
    maxBytes: 10_000,
  };
});
afterAll(() => hostile.stop());

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OutboundCallError);
  return (error as OutboundCallError).reason;
}

describe('guardedFetch', () => {
  it('reads a trusted origin', async () => {
    hostile.on('/ok', { kind: 'answer', status: 200, body: '<#a> <#b> <#c>.' });
    const response = await guardedFetch(fetch, `${hostile.url}ok`, {}, rules);
    expect(await response.text()).toBe('<#a> <#b> <#c>.');
  });

  it('refuses an origin that is not trusted, before any request', async () => {
    const before = hostile.requests.length;
    const elsewhere = hostile.url.replace('localhost', '127.0.0.1');
    expect(await refusal(guardedFetch(fetch, `${elsewhere}ok`, {}, rules))).toBe('untrusted-origin');
    expect(await refusal(guardedFetch(fetch, 'http://169.254.169.254/latest/', {}, rules))).toBe(
      'untrusted-origin',
    );
    expect(await refusal(guardedFetch(fetch, 'file:///etc/passwd', {}, rules))).toBe('bad-url');
    expect(hostile.requests.length).toBe(before);
  });

  it('does not follow a redirect, even to a trusted origin', async () => {
    hostile.on('/moved', { kind: 'redirect', location: `${hostile.url}ok`, status: 307 });
    const before = hostile.requests.length;
    expect(await refusal(guardedFetch(fetch, `${hostile.url}moved`, {}, rules))).toBe('redirect');
    expect(hostile.requests.slice(before).map((r) => r.path)).toEqual(['/moved']);
  });

  it('gives up on a server that never answers within the deadline', async () => {
    hostile.on('/silent', { kind: 'silent' });
    const started = Date.now();
    expect(await refusal(guardedFetch(fetch, `${hostile.url}silent`, {}, rules))).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives up on a body that trickles past the deadline', async () => {
    hostile.on('/trickle', { kind: 'trickle', byteEveryMs: 100 });
    const response = await guardedFetch(fetch, `${hostile.url}trickle`, {}, rules);
    expect(await refusal(response.text())).toBe('timeout');
  });

  it('refuses a body over the cap, declared or not', async () => {
    hostile.on('/declared', { kind: 'huge', bytes: 50_000, declareLength: true });
    hostile.on('/undeclared', { kind: 'huge', bytes: 5_000_000 });
    expect(await refusal(guardedFetch(fetch, `${hostile.url}declared`, {}, rules))).toBe('too-large');
    const response = await guardedFetch(fetch, `${hostile.url}undeclared`, {}, rules);
    expect(await refusal(response.text())).toBe('too-large');
  });

  it('names no upstream status or body in its message', async () => {
    hostile.on('/secret', { kind: 'redirect', location: 'http://127.0.0.1:6379/secret-token' });
    const error = await guardedFetch(fetch, `${hostile.url}secret`, {}, rules).catch((e: unknown) => e);
    expect((error as Error).message).not.toMatch(/6379|secret|302/);
  });
});

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['::1', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:127.0.0.1', true],
    ['8.8.8.8', false],
    ['2001:4860:4860::8888', false],
  ])('%s is private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});
