-- Issues 21 and 23: senders and capturers claim the due rows oldest first (ORDER BY next_attempt_at, id LIMIT n FOR
-- UPDATE SKIP LOCKED). The due indexes held next_attempt_at alone, and the rows a dispatcher step writes share one
-- next_attempt_at (its transaction's now()): a burst of 100 subscriptions puts tens of thousands of rows on a few
-- timestamps, and every claim of 32 read and sorted all of them (incremental sort on the tie). Measured: the database
-- took 600-800 ms of CPU a second while a backlog of 78,000 deliveries drained at about 1,100 a second. Ordered on
-- both columns, a claim reads the rows it takes.
CREATE INDEX IF NOT EXISTS webhook_deliveries_due_order ON tracker.webhook_deliveries (next_attempt_at, id)
    WHERE delivered_at IS NULL AND dead_at IS NULL;
DROP INDEX IF EXISTS tracker.webhook_deliveries_due;
CREATE INDEX IF NOT EXISTS capture_jobs_due_order ON tracker.capture_jobs (next_attempt_at, id) WHERE done_at IS NULL;
DROP INDEX IF EXISTS tracker.capture_jobs_due;
