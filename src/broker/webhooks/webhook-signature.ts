// Standard Webhooks signing: the `whsec_` secret and the `webhook-id`/`-timestamp`/`-signature` headers of a delivery.
import { createHmac, randomBytes } from 'node:crypto';
import { ValidationError } from '../../errors.ts';

/** The prefix Standard Webhooks gives signing secrets, so that they are recognisable in a council's config. */
const SECRET_PREFIX = 'whsec_';

/** 24 random bytes: the spec asks for 24 to 64; 192 bits is beyond any guessing. */
const SECRET_BYTES = 24;

/** A new signing secret, `whsec_<base64 of 24 random bytes>` (Standard Webhooks, "Signature scheme"). */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The HMAC key of a secret: the base64 after `whsec_`. */
function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new ValidationError('A webhook secret starts with whsec_', { field: 'secret' });
  }
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

/**
 * The `v1` signature of a message: base64 of HMAC-SHA256 over `${id}.${timestamp}.${body}` with the secret's key,
 * as the Standard Webhooks specification defines it (`timestamp` in whole seconds since the epoch).
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three headers of one attempt, signed at `now` (the receiver rejects a timestamp far from its own clock). */
export function webhookHeaders(secret: string, id: string, now: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  };
}
