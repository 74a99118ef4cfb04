-- 001: councils, their data requests, residents' consents, the hash-chained audit log, and runs.
-- One dialect for PGlite and PostgreSQL: plain SQL and PL/pgSQL only, no extensions.

CREATE TABLE councils (
  id          text PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  -- SHA-256 (hex) of the API key; the key itself is shown once and never stored.
  key_hash    text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL
);

CREATE TABLE requests (
  id             text PRIMARY KEY,
  council_id     text NOT NULL REFERENCES councils (id),
  title          text NOT NULL,
  purpose        text NOT NULL,
  description    text NOT NULL,
  metrics        jsonb NOT NULL,
  areas          jsonb NOT NULL,
  -- Calendar dates (YYYY-MM-DD, inclusive) kept as text: a SQL date would come back as a local-time Date.
  period_from    text NOT NULL,
  period_to      text NOT NULL,
  granularity    text NOT NULL CHECK (granularity IN ('month', 'week')),
  min_cohort     integer NOT NULL CHECK (min_cohort >= 2),
  consent_until  timestamptz NOT NULL,
  dp_epsilon     double precision CHECK (dp_epsilon IS NULL OR dp_epsilon > 0),
  created_at     timestamptz NOT NULL
);
CREATE INDEX requests_council ON requests (council_id);

-- One row per resident and request: the broker's index of consents it verified in the resident's pod.
CREATE TABLE consents (
  request_id      text NOT NULL REFERENCES requests (id),
  resident_webid  text NOT NULL,
  pod             text NOT NULL,
  -- The consent record node (e.g. `…/consents/<id>.ttl#consent`) in the resident's pod.
  record_iri      text NOT NULL,
  area            text NOT NULL,
  dwelling_type   text NOT NULL,
  state           text NOT NULL CHECK (state IN ('given', 'withdrawn')),
  given_at        timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  withdrawn_at    timestamptz,
  PRIMARY KEY (request_id, resident_webid),
  -- One home counts once per request, whichever WebID with access to its pod registers it.
  UNIQUE (request_id, pod)
);
CREATE INDEX consents_resident ON consents (resident_webid);

-- Every pod read, append-only; each row's hash covers the previous row's hash (see src/broker/audit/audit-chain.ts).
CREATE TABLE audit_log (
  seq             bigint PRIMARY KEY,
  at              timestamptz NOT NULL,
  request_id      text NOT NULL,
  run_id          text,
  resident_webid  text NOT NULL,
  resource        text NOT NULL,
  status          integer NOT NULL,
  prev_hash       text NOT NULL,
  row_hash        text NOT NULL
);
CREATE INDEX audit_log_request ON audit_log (request_id);

CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

-- Aggregation runs of a request (how they are executed: docs/aggregation.md, What a run does).
CREATE TABLE runs (
  id           text PRIMARY KEY,
  request_id   text NOT NULL REFERENCES requests (id),
  state        text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  progress     double precision NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
  created_at   timestamptz NOT NULL,
  started_at   timestamptz,
  finished_at  timestamptz,
  error        text
);
CREATE INDEX runs_request ON runs (request_id);
