-- 006: disclosure control across every release of the broker (docs/security.md, H3 and M4): the split fixed on
-- the request, a broker-wide release history by days and data versions, and why a cell was withheld.

-- How a request's cells are split: 'none' (area × period) or 'dwellingType' (area × dwelling type × period).
-- Fixed when the request is made, so that no council can run one request both unsplit and split.
ALTER TABLE requests ADD COLUMN split text NOT NULL DEFAULT 'none' CHECK (split IN ('none', 'dwellingType'));

-- The release history is the broker's, across councils: a new cell is checked against every earlier released
-- cell of the same metric whose days overlap, by its actual set of homes and days (not its label).
-- The days each released cell covers. Rows from before this migration get their request's whole period: wider
-- than the cell, so they are compared with more cells, never fewer.
ALTER TABLE releases ADD COLUMN period_from text;
ALTER TABLE releases ADD COLUMN period_to text;
UPDATE releases SET period_from = r.period_from, period_to = r.period_to FROM requests r
  WHERE r.id = releases.request_id;
ALTER TABLE releases ALTER COLUMN period_from SET NOT NULL;
ALTER TABLE releases ALTER COLUMN period_to SET NOT NULL;
-- Per home key, the versions (by month) of the data its figure came from: digests of the ETags of its profile and
-- summaries, never values. A home whose data changed counts as another home. NULL for rows from before 006.
ALTER TABLE releases ADD COLUMN home_versions jsonb;
DROP INDEX releases_council;
CREATE INDEX releases_metric_days ON releases (metric, period_from, period_to);

-- Why a released-looking cell was withheld by secondary suppression: the rule and the earlier release it would
-- have combined with (never how many homes differ). NULL for every other cell.
ALTER TABLE run_cells ADD COLUMN withheld_rule text;
ALTER TABLE run_cells ADD COLUMN withheld_request text;
ALTER TABLE run_cells ADD COLUMN withheld_run text;

-- A shared run's per-home data versions (`<property>/<YYYY-MM>` → version), beside its values, until the run ends.
ALTER TABLE run_values ADD COLUMN versions jsonb;
