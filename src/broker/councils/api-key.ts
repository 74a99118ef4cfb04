// Council API keys: 32 random bytes shown once, stored only as their SHA-256.
import { createHash, randomBytes } from 'node:crypto';

/** Prefix that makes a leaked key recognisable (e.g. to secret scanners). */
const KEY_PREFIX = 'hdk_';

/** A new random API key. 256 bits of entropy, so a plain SHA-256 suffices: nothing to brute-force. */
export function newApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
