-- Issue 11: the status report's actor filter finds the statements spoken for an actor first.
CREATE INDEX IF NOT EXISTS statement_search_actor ON tracker.statement_search (actor) WHERE NOT retracted;
