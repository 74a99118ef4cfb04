// Table `runs`: aggregation runs of a request, their state and progress (executed by the aggregation part).

export type RunState = 'queued' | 'running' | 'done' | 'failed';

/** A row of `runs`. */
export interface RunRow {
  id: string;
  request_id: string;
  state: RunState;
  /** Percentage 0–100. */
  progress: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  /** Migration 002: whether cells are split by dwelling type. */
  by_dwelling_type: boolean;
  /** ε this run spends of the request's DP budget, or null without DP. */
  epsilon: number | null;
  /** The k the cells were released with. */
  k: number | null;
  /** Homes counted overall, rounded to 5; null when below k. */
  homes_overall: number | null;
  /** Problem slug of a failed run (e.g. `differencing`). */
  problem: string | null;
  attempts: number;
  heartbeat_at: Date | null;
  /** Migration 003: the broker processes that read a shared run's shards, or null. */
  workers: string[] | null;
}
