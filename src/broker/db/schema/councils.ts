// Table `councils`: who may file requests, each with the hash of its API key.

/** A row of `councils`. */
export interface CouncilRow {
  id: string;
  name: string;
  /** SHA-256 (hex) of the council's API key. */
  key_hash: string;
  created_at: Date;
  /** When `homedata council revoke` disabled the key (migration 008); null while it works. */
  key_revoked_at: Date | null;
}
