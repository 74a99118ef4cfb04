-- 006: disclosure control across every release of the broker (issue 11, H3/M4): the split is fixed on the request.

-- How a request's cells are split: 'none' (area × period) or 'dwellingType' (area × dwelling type × period).
-- Fixed when the request is made, so that no council can run one request both unsplit and split.
ALTER TABLE requests ADD COLUMN split text NOT NULL DEFAULT 'none' CHECK (split IN ('none', 'dwellingType'));
