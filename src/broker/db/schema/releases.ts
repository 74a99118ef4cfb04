// Table `releases`: each released cell's cohort as opaque home keys, per council, for the differencing rule (migration 002).

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
  released_at: Date;
}
