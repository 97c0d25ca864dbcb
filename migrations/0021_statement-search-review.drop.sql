ALTER TABLE tracker.statement_search DROP COLUMN IF EXISTS review;
ALTER TABLE tracker.statement_search DROP COLUMN IF EXISTS counted;
