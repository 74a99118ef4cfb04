// Tables `run_shards` and `run_values`: a run shared between broker processes, while it runs (migrations 003, 006, 009).

/** A row of `run_shards`. */
export interface RunShardRow {
  run_id: string;
  shard: number;
  /** Resident WebIDs of the shard's consents (jsonb array; internal only). */
  residents: string[];
  state: 'pending' | 'done';
  worker: string | null;
}

/** A row of `run_values`: one home's value of one metric and period, under its opaque key. */
export interface RunValueRow {
  run_id: string;
  shard: number;
  home_key: string;
  area: string;
  dwelling_type: string;
  metric: string;
  period: string;
  /** Null when the home-period was left out (migration 009). */
  value: number | null;
  /** Why the home-period was left out, else null (migration 009). */
  left_out: 'low-coverage' | 'sensor-fault' | null;
  /** The home's summaries documents' versions, `<property>/<YYYY-MM>` → version (migration 006). */
  versions: Record<string, string> | null;
}
