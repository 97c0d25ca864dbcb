DROP TABLE IF EXISTS tracker.portfolio_statements CASCADE;
DROP TABLE IF EXISTS tracker.portfolio_transitions CASCADE;
DROP TABLE IF EXISTS tracker.portfolio_status CASCADE;
DROP TABLE IF EXISTS tracker.portfolio_now CASCADE;
DROP TABLE IF EXISTS tracker.portfolio_agreements CASCADE;
DROP TABLE IF EXISTS tracker.mt_doc_statementroute CASCADE;
DROP TABLE IF EXISTS tracker.mt_doc_commitmentfile CASCADE;
DELETE FROM tracker.mt_event_progression WHERE name LIKE 'Portfolio%';
