// Table `audit_chain`: one row saying where the keyed audit chain starts and what a prune left behind (migration 008).

/** The row of `audit_chain`. */
export interface AuditChainRow {
  id: 1;
  /** Rows from this number on are hashed with HMAC under the audit key; earlier ones with plain SHA-256. */
  keyed_from_seq: number;
  /** `row_hash` of the row before the switch point (64 zeros for none), recorded when sealed. */
  keyed_from_prev_hash: string | null;
  /** MAC of the switch point and that hash under the audit key; null until the broker's first start with the key. */
  keyed_from_mac: string | null;
  /** The last row deleted by retention (0 when none); the chain goes on from its hash. */
  pruned_through_seq: number;
  pruned_through_hash: string;
  /** MAC of the pruned anchor under the audit key; null while nothing was pruned. */
  pruned_mac: string | null;
}
