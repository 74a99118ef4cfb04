// Which webhook URLs a council may register and the broker may call: https on public addresses (http on loopback if allowed).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import { ValidationError } from '../../errors.ts';
import { isPrivateAddress, OutboundCallError } from '../trust/guarded-fetch.ts';

/** The operator's webhook settings (`webhooks` in the broker config). */
export interface WebhookUrlPolicy {
  /** Allow `http://` and loopback addresses (tests and the demo); off in production. */
  readonly allowHttpLoopback: boolean;
}

/** Whether `host` (a URL hostname, IPv6 without brackets) names this machine. */
function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || /^::ffff:127\./i.test(host);
}

/** The host of a URL without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/** Why a URL may not be a webhook, or null when it may (from the URL alone, without DNS). */
function urlProblem(url: URL, policy: WebhookUrlPolicy): string | null {
  if (url.username || url.password) return 'must not carry a user name or password';
  const host = hostOf(url);
  const loopback = isLoopbackHost(host);
  if (loopback && !policy.allowHttpLoopback) return 'must not point at this machine';
  if (!loopback && isIP(host) !== 0 && isPrivateAddress(host)) return 'must not point at a private network';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && loopback) return null;
  return policy.allowHttpLoopback ? 'must be https (http only on loopback)' : 'must be https';
}

/** The body of `PUT /api/council/webhook`: an absolute URL the policy allows. */
export function webhookRegistrationSchema(policy: WebhookUrlPolicy) {
  return z
    .object({
      url: z
        .url()
        .max(2000)
        .superRefine((value, ctx) => {
          // zod runs this after a failed url check too; that failure is already reported.
          if (!URL.canParse(value)) return;
          const problem = urlProblem(new URL(value), policy);
          if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
        })
        .describe(
          'https URL the broker POSTs events to (http only on loopback, when the operator allows it)',
        ),
    })
    .strict();
}

/**
 * Checks where a webhook URL leads just before a call (and at registration): a DNS name must not resolve to a
 * private, link-local or loopback address (loopback only with `allowHttpLoopback`), so a council cannot make the
 * broker call into its own network (SSRF). Throws an `OutboundCallError` (`bad-url`, `private-address`,
 * `unreachable`). A resolver that answers differently a moment later is not caught (as in guarded-fetch.ts).
 */
export async function checkWebhookAddress(target: string, policy: WebhookUrlPolicy): Promise<URL> {
  const url = new URL(target);
  const problem = urlProblem(url, policy);
  if (problem !== null) {
    throw new OutboundCallError(/private|machine/.test(problem) ? 'private-address' : 'bad-url', {
      origin: url.origin,
    });
  }
  const host = hostOf(url);
  if (isIP(host) !== 0 || isLoopbackHost(host)) return url;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch (error) {
    throw new OutboundCallError('unreachable', { origin: url.origin }, error);
  }
  const refused = addresses.some(
    ({ address }) => isPrivateAddress(address) && !(policy.allowHttpLoopback && isLoopbackHost(address)),
  );
  if (refused) throw new OutboundCallError('private-address', { origin: url.origin });
  return url;
}

/** The registration-time form of `checkWebhookAddress`: a 422 on the `url` field instead of a 502. */
export async function assertWebhookAddress(target: string, policy: WebhookUrlPolicy): Promise<void> {
  try {
    await checkWebhookAddress(target, policy);
  } catch (error) {
    if (!(error instanceof OutboundCallError)) throw error;
    const message = error.reason === 'unreachable' ? 'its host name does not resolve' : error.message;
    throw new ValidationError(`Invalid body: url: ${message}`, { errors: [{ field: 'url', message }] });
  }
}
