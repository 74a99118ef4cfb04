-- The Prio3 helper aggregator's own database (issue 16): its jobs between preparation and collection, each batch it
-- has collected with the aggregate share it gave, and which reports went into which batch. No measurement and no
-- report is stored: output shares are random field elements without the leader's.

-- An aggregation job: the helper's output shares of the reports both aggregators accepted, until the leader asks
-- for the aggregate share (then the row is deleted). Field elements as decimal text.
CREATE TABLE helper_jobs (
  job_id uuid PRIMARY KEY,
  task_id text NOT NULL,
  metric_id text NOT NULL,
  period text NOT NULL,
  report_ids text[] NOT NULL,
  output_shares jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX helper_jobs_created ON helper_jobs (created_at);

-- A collected batch (DAP: a batch of a task; here task, metric, period and the exact set of reports, named by
-- batch_id = SHA-256 of the sorted report ids). The aggregate share is kept so that a collection of the same batch
-- gets the same bytes, noise included: asking again teaches nothing and cannot average the noise away.
CREATE TABLE helper_batches (
  task_id text NOT NULL,
  metric_id text NOT NULL,
  period text NOT NULL,
  batch_id text NOT NULL,
  report_count integer NOT NULL,
  aggregate_share text NOT NULL,
  query_count integer NOT NULL DEFAULT 1,
  first_collected_at timestamptz NOT NULL DEFAULT now(),
  last_collected_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, metric_id, period, batch_id)
);

-- Each report in at most one batch of its task, metric and period: a batch overlapping an earlier one without
-- being the same set is refused (two overlapping sums difference out the homes that differ).
CREATE TABLE helper_batch_reports (
  task_id text NOT NULL,
  metric_id text NOT NULL,
  period text NOT NULL,
  report_id text NOT NULL,
  batch_id text NOT NULL,
  PRIMARY KEY (task_id, metric_id, period, report_id)
);
