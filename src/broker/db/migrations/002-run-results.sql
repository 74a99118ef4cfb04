-- 002: how runs are executed and what they release: run options and outcome, released cells, the per-council
-- release history the differencing rule checks, and the broker's secret for opaque home keys.

ALTER TABLE runs ADD COLUMN by_dwelling_type boolean NOT NULL DEFAULT false;
-- ε this run spends of the request's DP budget; NULL without differential privacy.
ALTER TABLE runs ADD COLUMN epsilon double precision CHECK (epsilon IS NULL OR epsilon > 0);
-- The k the cells were released with: max(request minCohort, server floor).
ALTER TABLE runs ADD COLUMN k integer;
-- Homes counted in at least one cell, rounded to 5; NULL when below k (a small count is itself disclosive).
ALTER TABLE runs ADD COLUMN homes_overall integer;
-- Problem slug of a failed run (e.g. `differencing`), shown with `error` as the run's problem details.
ALTER TABLE runs ADD COLUMN problem text;
ALTER TABLE runs ADD COLUMN attempts integer NOT NULL DEFAULT 0;
-- Last sign of life of the process running it: a run silent for long is taken over after a crash.
ALTER TABLE runs ADD COLUMN heartbeat_at timestamptz;
CREATE INDEX runs_state ON runs (state, created_at);

-- Released cells of finished runs: aggregates only, never a home's value, WebID or pod.
CREATE TABLE run_cells (
  run_id         text NOT NULL REFERENCES runs (id),
  position       integer NOT NULL,
  area           text NOT NULL,
  dwelling_type  text,
  period         text NOT NULL,
  metric         text NOT NULL,
  homes          integer,
  mean           double precision,
  median         double precision,
  suppressed     boolean NOT NULL,
  PRIMARY KEY (run_id, position)
);

-- Every released cell's cohort, per council, as opaque home keys (HMAC-SHA256 of the WebID under the broker's
-- secret): the differencing rule compares a new cohort with these, and no WebID is kept here.
CREATE TABLE releases (
  id           text PRIMARY KEY,
  council_id   text NOT NULL REFERENCES councils (id),
  request_id   text NOT NULL REFERENCES requests (id),
  run_id       text NOT NULL REFERENCES runs (id),
  cell         text NOT NULL,
  metric       text NOT NULL,
  period       text NOT NULL,
  home_keys    jsonb NOT NULL,
  released_at  timestamptz NOT NULL
);
CREATE INDEX releases_council ON releases (council_id, metric, period);

-- Secrets the broker makes for itself on first use and keeps across restarts and processes.
CREATE TABLE broker_secrets (
  name        text PRIMARY KEY,
  value       text NOT NULL,
  created_at  timestamptz NOT NULL
);
