DROP TABLE IF EXISTS tracker.mt_doc_statementproposal CASCADE;
