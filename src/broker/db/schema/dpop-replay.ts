// Table `dpop_replay`: the DPoP proofs residents have already used, until they expire (migration 004).

/** A row of `dpop_replay`. */
export interface DpopReplayRow {
  /** SHA-256 (hex) of the proof key's JWK thumbprint and the proof's `jti`. */
  jti_digest: string;
  /** When the proof would be refused for its age anyway; the row may be pruned after. */
  expires_at: Date;
}
