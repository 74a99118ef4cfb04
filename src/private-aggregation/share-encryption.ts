// HPKE (RFC 9180) of input shares to their aggregator: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, as DAP.
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { ValidationError } from '../errors.ts';

const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes128Gcm(),
});

/** An aggregator's HPKE key pair, raw 32-byte X25519 keys. */
export interface AggregatorKeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

/** One input share sealed to one aggregator: the HPKE encapsulated key and the ciphertext. */
export interface SealedShare {
  enc: Uint8Array;
  ciphertext: Uint8Array;
}

/** A fresh key pair for an aggregator (kept in its own key file, never in a pod or the other aggregator). */
export async function generateAggregatorKeyPair(): Promise<AggregatorKeyPair> {
  const pair = await suite.kem.generateKeyPair();
  return {
    publicKey: new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey)),
    privateKey: new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey)),
  };
}

// DAP binds the ciphertext to the role it is for (info) and to the report it belongs to (aad): a share cannot be
// replayed into another report, metric or period, nor opened as the other aggregator's.
function info(aggregatorId: number): Uint8Array {
  return new TextEncoder().encode(`homedata prio3 input share\u0000${aggregatorId}`);
}

/** Seals `plaintext` (an encoded input share) to aggregator `aggregatorId`'s public key, bound to `aad`. */
export async function sealInputShare(
  publicKey: Uint8Array,
  aggregatorId: number,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Promise<SealedShare> {
  const recipientPublicKey = await suite.kem.deserializePublicKey(publicKey);
  const { enc, ct } = await suite.seal({ recipientPublicKey, info: info(aggregatorId) }, plaintext, aad);
  return { enc: new Uint8Array(enc), ciphertext: new Uint8Array(ct) };
}

/** Opens a sealed input share with the aggregator's private key; throws ValidationError when it does not open. */
export async function openInputShare(
  privateKey: Uint8Array,
  aggregatorId: number,
  sealed: SealedShare,
  aad: Uint8Array,
): Promise<Uint8Array> {
  const recipientKey = await suite.kem.deserializePrivateKey(privateKey);
  try {
    const plaintext = await suite.open(
      { recipientKey, enc: sealed.enc, info: info(aggregatorId) },
      sealed.ciphertext,
      aad,
    );
    return new Uint8Array(plaintext);
  } catch {
    throw new ValidationError('An input share does not open with this aggregator’s key', { aggregatorId });
  }
}
