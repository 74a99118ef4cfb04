-- 017: banded metrics (issue 16): a cell of a banded metric (co2.night.band) releases homes per band, not a mean.
-- A JSON array of { "label", "homes" } in band order, homes rounded to 5 or null where withheld; NULL for other
-- metrics and for suppressed cells.
ALTER TABLE run_cells ADD COLUMN bands jsonb;
