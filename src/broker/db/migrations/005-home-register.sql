-- 005: the home register. The operator enrols each dwelling (by its own id, e.g. a UK UPRN) with its pod and
-- gateway; only consents from an enrolled home's pod count, and cohorts are keyed by the home, not the WebID.

CREATE TABLE enrolled_homes (
  -- The operator's id of the dwelling: a short opaque token (a UPRN, a housing-stock reference), never shown.
  home_id         text PRIMARY KEY CHECK (home_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  -- Root of the home's pod, as `new URL(pod).href`, ending in `/`: one pod is one home.
  pod             text NOT NULL UNIQUE CHECK (right(pod, 1) = '/'),
  -- The WebID of the gateway the operator installed in the dwelling.
  gateway_webid   text NOT NULL,
  -- The resident's WebID when the operator knows it: then only that WebID's consents count for the home.
  resident_webid  text,
  enrolled_at     timestamptz NOT NULL
);

-- From here on `releases.home_keys` and `run_values.home_key` are HMACs of `enrolled_homes.home_id`, no longer of
-- the resident's WebID (runs/home-keys.ts). Releases made before this migration hold WebID keys, which match no
-- home key: the differencing rule cannot compare them with later cohorts.
