DROP INDEX IF EXISTS tracker.statement_search_actor;
