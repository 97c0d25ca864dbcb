DROP TABLE IF EXISTS tracker.statement_search CASCADE;
