// Table `releases`: each released cell's cohort as opaque home keys and data versions, broker-wide (migrations 002, 006).

/** A row of `releases`. */
export interface ReleaseRow {
  id: string;
  council_id: string;
  request_id: string;
  run_id: string;
  /** `area|dwelling type or *|period|metric`. */
  cell: string;
  metric: string;
  period: string;
  /** HMAC-SHA256 (hex) of each enrolled home's id under the broker's secret (jsonb array; WebIDs before migration 005). */
  home_keys: string[];
  /** First and last day the cell covers, `YYYY-MM-DD` (migration 006). */
  period_from: string;
  period_to: string;
  /** Home key → month → version of the data read (jsonb); null for rows recorded before 006. */
  home_versions: Record<string, Record<string, string>> | null;
  released_at: Date;
}
