// Table `audit_log`: one append-only, hash-chained row per pod read by the broker.

/** A row of `audit_log`. */
export interface AuditRow {
  /** 1, 2, 3, … without gaps: a missing number is a deleted row. */
  seq: number;
  at: Date;
  request_id: string;
  run_id: string | null;
  resident_webid: string;
  /** The URL read (internal only). */
  resource: string;
  /** The pod server's HTTP status. */
  status: number;
  /** `row_hash` of row `seq - 1`, or 64 zeros for the first row. */
  prev_hash: string;
  /** SHA-256 over `prev_hash` and the row's canonical JSON (src/broker/audit/audit-chain.ts). */
  row_hash: string;
}
