// Table `councils`: who may file requests, each with the hash of its API key.

/** A row of `councils`. */
export interface CouncilRow {
  id: string;
  name: string;
  /** SHA-256 (hex) of the council's API key. */
  key_hash: string;
  created_at: Date;
}
