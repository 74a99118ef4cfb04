-- 016: private aggregation (issue 16). A request is answered in one of two modes, fixed at creation: `plain` (the
-- broker reads summaries and computes per-home values in memory) or `prio3` (homes send Prio3 reports sharded
-- between the broker as leader and an independent helper; no server sees a home's value).
ALTER TABLE requests ADD COLUMN aggregation text NOT NULL DEFAULT 'plain' CHECK (aggregation IN ('plain', 'prio3'));
