CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON tracker.webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND dead_at IS NULL;
DROP INDEX IF EXISTS tracker.webhook_deliveries_due_order;
CREATE INDEX IF NOT EXISTS capture_jobs_due ON tracker.capture_jobs (next_attempt_at) WHERE done_at IS NULL;
DROP INDEX IF EXISTS tracker.capture_jobs_due_order;
