// Browser stand-in for the one `node:crypto` call the bundled pod code makes: a synchronous SHA-256 `createHash`.
// Web Crypto's digest is asynchronous, and src/pod/wac.ts names ACL entries by a hash synchronously; the same
// digest in both places keeps ACLs written from the resident page identical to those the CLI writes. The hashing
// itself is @noble/hashes' audited SHA-256.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { ConfigError } from '../../errors.ts';

/** The part of Node's Hash the pod code uses. */
export interface Hash {
  update(data: string | Uint8Array): Hash;
  digest(encoding: 'hex'): string;
}

/** `createHash('sha256')` as in Node, for UTF-8 strings and bytes, with hex digests. */
export function createHash(algorithm: string): Hash {
  if (algorithm !== 'sha256') {
    throw new ConfigError(`Only sha256 is available in the browser, not ${algorithm}`, { algorithm });
  }
  const state = sha256.create();
  const hash: Hash = {
    update(data) {
      state.update(typeof data === 'string' ? utf8ToBytes(data) : data);
      return hash;
    },
    digest: () => bytesToHex(state.digest()),
  };
  return hash;
}
