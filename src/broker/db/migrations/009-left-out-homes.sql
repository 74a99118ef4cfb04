-- 009: homes left out of a cell for their data (docs/metrics.md, Data quality): per-home reasons while a shared
-- run runs, and the released counts of each cell, rounded and suppressed like its home count.

-- A home-period left out of a metric carries no value but its reason: 'low-coverage' or 'sensor-fault'.
ALTER TABLE run_values ALTER COLUMN value DROP NOT NULL;
ALTER TABLE run_values ADD COLUMN left_out text CHECK (left_out IN ('low-coverage', 'sensor-fault'));

-- Homes left out of each cell, rounded to 5; NULL when below k (or under differential privacy).
ALTER TABLE run_cells ADD COLUMN left_out_low_coverage integer;
ALTER TABLE run_cells ADD COLUMN left_out_sensor_fault integer;
