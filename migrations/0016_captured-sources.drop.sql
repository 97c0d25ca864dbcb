DROP TABLE IF EXISTS tracker.agreement_documents;
DROP TABLE IF EXISTS tracker.source_drift;
DROP TABLE IF EXISTS tracker.source_captures;
DROP TABLE IF EXISTS tracker.capture_dispatch;
DROP TABLE IF EXISTS tracker.capture_jobs;
DROP TABLE IF EXISTS tracker.source_blobs;
