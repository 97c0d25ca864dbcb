-- Issue 23: the recurring recheck of cited sources runs as a Wolverine scheduled message (a durable local queue, so
-- it survives restarts). This one row says which occurrence is the live one: an occurrence runs only when its due
-- time is the row's, and moves the row to the next before it works, so a duplicate (two nodes starting at once, a
-- retry after a crash) finds the row moved and does nothing; the schedule never piles up.
CREATE TABLE IF NOT EXISTS tracker.source_recheck_schedule (
    id      integer     PRIMARY KEY CHECK (id = 1),
    due_at  timestamptz NOT NULL
);
