// Every call the broker makes to another server: trusted origins only, no redirects, a deadline and a byte cap.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { HomedataError, type ErrorContext } from '../../errors.ts';
import { cappedBody, isTimeout } from '../../pod/index.ts';

/** Why an outbound call was refused or cut short. */
export type OutboundFailure =
  | 'bad-url'
  | 'untrusted-origin'
  | 'private-address'
  | 'redirect'
  | 'timeout'
  | 'too-large'
  | 'unreachable'
  | 'server-error';

/**
 * An outbound call the broker refused or abandoned. Its message is fixed per reason and names no upstream status
 * or body, so it can never be used as an oracle on what another server answered (docs/security.md, M1).
 */
export class OutboundCallError extends HomedataError {
  readonly reason: OutboundFailure;
  constructor(reason: OutboundFailure, context: ErrorContext = {}, cause?: unknown) {
    super('outbound-call', 502, OUTBOUND_MESSAGES[reason], context, cause);
    this.reason = reason;
  }
}

const OUTBOUND_MESSAGES: Record<OutboundFailure, string> = {
  'bad-url': 'The address is not an absolute http(s) URL',
  'untrusted-origin': 'The address is not on a server this broker trusts',
  'private-address': 'The address resolves to a private network',
  redirect: 'The server answered with a redirect, which the broker does not follow',
  timeout: 'The server did not answer in time',
  'too-large': 'The answer was larger than the broker accepts',
  unreachable: 'The server could not be reached',
  'server-error': 'The server answered with an error, also when asked again',
};

/** The rules for one kind of outbound call. */
export interface OutboundRules {
  /** Origins (`scheme://host[:port]`) that may be called. */
  readonly allowedOrigins: ReadonlySet<string>;
  /** Allow trusted DNS names that resolve to private, loopback or link-local addresses. */
  readonly allowPrivateNetwork: boolean;
  /** Deadline for the whole exchange, headers and body. */
  readonly timeoutMs: number;
  /** Largest body read, in bytes. */
  readonly maxBytes: number;
}

/** Loopback, private (RFC 1918, RFC 4193), link-local, CGNAT, unspecified and multicast ranges. */
const PRIVATE_RANGES = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address (v4, v6 or v4-mapped v6) is in a private, loopback or link-local range. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE_RANGES.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return PRIVATE_RANGES.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Parses and checks a target URL against the rules; returns it normalised. */
export function checkOutboundUrl(target: string, rules: OutboundRules): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new OutboundCallError('bad-url');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new OutboundCallError('bad-url');
  }
  if (!rules.allowedOrigins.has(url.origin)) {
    throw new OutboundCallError('untrusted-origin', { origin: url.origin });
  }
  return url;
}

/**
 * Refuses a trusted DNS name that resolves to a private address (DNS rebinding of a listed name), unless the
 * operator allows it. `localhost` and IP literals were written by the operator and are taken as they are.
 * The check runs before the connection; a resolver that answers differently a moment later is not caught.
 */
async function checkResolvedAddress(url: URL, rules: OutboundRules): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (rules.allowPrivateNetwork || host === 'localhost' || isIP(host) !== 0) return;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch (error) {
    throw new OutboundCallError('unreachable', { origin: url.origin }, error);
  }
  if (addresses.some(({ address }) => isPrivateAddress(address))) {
    throw new OutboundCallError('private-address', { origin: url.origin });
  }
}

/** Maps what fetch or a body read throws to the outbound family; keeps ours as they are. */
function outboundFailure(error: unknown, url: URL): OutboundCallError {
  if (error instanceof OutboundCallError) return error;
  const reason = isTimeout(error) ? 'timeout' : 'unreachable';
  return new OutboundCallError(reason, { origin: url.origin }, error);
}

/**
 * Calls `target` with `fetchImpl` (plain or authenticated) under `rules`: the origin must be allowed, redirects
 * are refused rather than followed (an authenticated fetch would otherwise sign the request again for the
 * redirect target: docs/security.md, H2), the whole exchange has a deadline and the body a byte cap. The response's
 * body enforces the cap and deadline as it is read; errors are `OutboundCallError`s with fixed messages.
 */
export async function guardedFetch(
  fetchImpl: typeof fetch,
  target: string,
  init: RequestInit,
  rules: OutboundRules,
): Promise<Response> {
  const url = checkOutboundUrl(target, rules);
  await checkResolvedAddress(url, rules);
  const deadline = AbortSignal.timeout(rules.timeoutMs);
  const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
  let response: Response;
  try {
    response = await fetchImpl(url.href, { ...init, redirect: 'manual', signal });
  } catch (error) {
    throw outboundFailure(error, url);
  }
  const redirected = response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
  if (redirected || (response.url && response.url !== url.href)) {
    await response.body?.cancel().catch(() => undefined);
    throw new OutboundCallError('redirect', { origin: url.origin, status: response.status });
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > rules.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new OutboundCallError('too-large', { origin: url.origin, maxBytes: rules.maxBytes });
  }
  if (!response.body) return response;
  const body = cappedBody(response.body, rules.maxBytes, {
    tooLarge: () => new OutboundCallError('too-large', { origin: url.origin, maxBytes: rules.maxBytes }),
    failed: (error) => outboundFailure(error, url),
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
