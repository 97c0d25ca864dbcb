DROP TRIGGER IF EXISTS statement_readings_truncate ON tracker.mt_doc_statemententry;
DROP TRIGGER IF EXISTS statement_readings_follow ON tracker.mt_doc_statemententry;
DROP FUNCTION IF EXISTS tracker.statement_readings_follow();
DROP FUNCTION IF EXISTS tracker.statement_readings_of(jsonb);
DROP TABLE IF EXISTS tracker.statement_readings;
