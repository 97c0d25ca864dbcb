DROP TABLE IF EXISTS tracker.mt_doc_agreementheader CASCADE;
DROP TABLE IF EXISTS tracker.mt_doc_statemententry CASCADE;
