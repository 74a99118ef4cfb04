-- 003: runs shared between broker processes on one PostgreSQL (pg-boss): the shards of a run's homes, and the
-- per-home values shards hand to the process that releases the run. Both are deleted when the run ends.

CREATE TABLE run_shards (
  run_id      text NOT NULL REFERENCES runs (id),
  shard       integer NOT NULL,
  -- Resident WebIDs of the shard's consents (internal, like `consents`; never shown).
  residents   jsonb NOT NULL,
  state       text NOT NULL CHECK (state IN ('pending', 'done')),
  -- Which broker process read the shard (host and process id), for the operator.
  worker      text,
  PRIMARY KEY (run_id, shard)
);

-- Per-home values of a running run, keyed by opaque home key: only while the run runs, then deleted in the
-- transaction that stores its released cells (or when it fails).
CREATE TABLE run_values (
  run_id         text NOT NULL REFERENCES runs (id),
  shard          integer NOT NULL,
  home_key       text NOT NULL,
  area           text NOT NULL,
  dwelling_type  text NOT NULL,
  metric         text NOT NULL,
  period         text NOT NULL,
  value          double precision NOT NULL
);
CREATE INDEX run_values_run ON run_values (run_id, shard);

-- Which broker processes read a shared run's shards (for the operator); NULL for runs executed in one process.
ALTER TABLE runs ADD COLUMN workers jsonb;
