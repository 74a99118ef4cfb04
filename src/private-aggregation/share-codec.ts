// Bytes ↔ Prio3 shares: the decoders @divviup/prio3 0.8 lacks, mirroring its encoders (VDAF draft 08, §7.2.6).
import type { Prio3Vdaf } from './prio3-sum.ts';
import { Buffer } from 'node:buffer';
import { ValidationError } from '../errors.ts';

type Prio3 = Prio3Vdaf;
type InputShare = Awaited<ReturnType<Prio3['shard']>>['inputShares'][number];
type PublicShare = Awaited<ReturnType<Prio3['shard']>>['publicShare'];
type PreparationShare = Awaited<ReturnType<Prio3['prepareInit']>>['preparationShare'];

// Usage codes of VDAF draft 08 §7.2.1, as @divviup/prio3 derives its helper shares with them.
const USAGE_MEASUREMENT_SHARE = 1;
const USAGE_PROOF_SHARE = 2;

/** Whether the VDAF's proof uses joint randomness (Prio3Sum does): then shares carry a blind and parts. */
function usesJointRand(vdaf: Prio3): boolean {
  return vdaf.flp.jointRandLen !== 0;
}

/** Splits `bytes` into the given lengths; throws when they do not add up exactly (a truncated or padded share). */
function split(bytes: Uint8Array, lengths: readonly number[], what: string): Buffer[] {
  const expected = lengths.reduce((sum, length) => sum + length, 0);
  if (bytes.length !== expected) {
    throw new ValidationError(`A ${what} has the wrong length`, { length: bytes.length, expected });
  }
  const parts: Buffer[] = [];
  let offset = 0;
  for (const length of lengths) {
    parts.push(Buffer.from(bytes.subarray(offset, offset + length)));
    offset += length;
  }
  return parts;
}

/**
 * The input share of aggregator `aggregatorId` from its encoding. The leader's (0) carries its measurement and
 * proof shares as field vectors; a helper's carries seeds, expanded here with the XOF exactly as the client did.
 */
export async function decodeInputShare(
  vdaf: Prio3,
  aggregatorId: number,
  bytes: Uint8Array,
): Promise<InputShare> {
  const { flp, xof, proofs } = vdaf;
  const { field } = flp;
  const seed = xof.seedSize;
  const blindLength = usesJointRand(vdaf) ? seed : 0;
  const proofLength = flp.proofLen * proofs;
  if (aggregatorId === 0) {
    const [wireMeasurementShare, wireProofShare, blind] = split(
      bytes,
      [flp.measurementLen * field.encodedSize, proofLength * field.encodedSize, blindLength],
      'leader input share',
    ) as [Buffer, Buffer, Buffer];
    return {
      measurementShare: field.decode(wireMeasurementShare),
      proofsShare: field.decode(wireProofShare),
      wireMeasurementShare,
      wireProofShare,
      blind,
    };
  }
  const [wireMeasurementShare, wireProofShare, blind] = split(
    bytes,
    [seed, seed, blindLength],
    'helper input share',
  ) as [Buffer, Buffer, Buffer];
  const measurementShare = await xof.expandIntoVec(
    field,
    wireMeasurementShare,
    vdaf.domainSeparationTag(USAGE_MEASUREMENT_SHARE),
    Buffer.of(aggregatorId),
    flp.measurementLen,
  );
  const proofsShare = await xof.expandIntoVec(
    field,
    wireProofShare,
    vdaf.domainSeparationTag(USAGE_PROOF_SHARE),
    Buffer.of(proofs, aggregatorId),
    proofLength,
  );
  return { measurementShare, proofsShare, wireMeasurementShare, wireProofShare, blind };
}

/** The public share (one joint-randomness part per aggregator) from its encoding. */
export function decodePublicShare(vdaf: Prio3, bytes: Uint8Array): PublicShare {
  const count = usesJointRand(vdaf) ? vdaf.shares : 0;
  return {
    jointRandParts: split(bytes, Array<number>(count).fill(vdaf.xof.seedSize), 'public share'),
  };
}

/** A preparation share (verifier share, then joint-randomness part) from its encoding. */
export function decodePreparationShare(vdaf: Prio3, bytes: Uint8Array): PreparationShare {
  const { flp, proofs, xof } = vdaf;
  const [verifiers, jointRandomnessPart] = split(
    bytes,
    [flp.verifierLen * proofs * flp.field.encodedSize, usesJointRand(vdaf) ? xof.seedSize : 0],
    'preparation share',
  ) as [Buffer, Buffer];
  return { verifiersShare: flp.field.decode(verifiers), jointRandomnessPart };
}

/** An aggregate share (a field vector of the VDAF's output length) from its encoding. */
export function decodeAggregateShare(vdaf: Prio3, bytes: Uint8Array): bigint[] {
  const { flp } = vdaf;
  const [share] = split(bytes, [flp.outputLen * flp.field.encodedSize], 'aggregate share') as [Buffer];
  return flp.field.decode(share);
}
