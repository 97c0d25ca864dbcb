-- Issue 22: proposals are searchable, marked, and never counted. A statement proposed where review is required has a
-- row before its approval (counted = false); its approval's StatementRecorded makes the row count. review holds the
-- state of the statement's latest proposal (awaiting, approved, returned, rejected; null when it never had one), so a
-- counted row with review = 'awaiting' is an approved reading whose correction or retraction awaits review.
-- Everything that counts statements through this table reads only counted rows.
ALTER TABLE tracker.statement_search ADD COLUMN IF NOT EXISTS counted boolean NOT NULL DEFAULT true;
ALTER TABLE tracker.statement_search ADD COLUMN IF NOT EXISTS review text NULL;
