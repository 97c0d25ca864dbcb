-- Issue 21: signed webhooks (src/Tracker/Following/Webhooks/). A subscription names a target URL, a filter and the
-- kinds of change-feed entries it wants; the dispatcher follows the change feed in commit order and, in one
-- transaction with moving its cursor, writes one delivery per matching entry and subscription; senders claim due
-- deliveries (FOR UPDATE SKIP LOCKED, a lease) and POST them signed. Everything a delivery needs is in these rows and
-- in the change log, committed with the write: a crash anywhere loses nothing, it only delays.
CREATE TABLE IF NOT EXISTS tracker.webhook_subscriptions (
    id            uuid        PRIMARY KEY,
    user_name     text        NOT NULL,
    url           text        NOT NULL,
    agreement_id  text        NULL,
    party         text        NULL,
    category      text        NULL,
    events        text[]      NOT NULL CHECK (cardinality(events) > 0),
    -- The signing secret, protected with the service's Data Protection keys (Infrastructure/DataProtectionKeys.cs).
    secret        text        NOT NULL,
    created_at    timestamptz NOT NULL,
    -- The chain position when it was created: it receives the changes committed after that, never history.
    from_position bigint      NOT NULL,
    removed_at    timestamptz NULL
);
CREATE INDEX IF NOT EXISTS webhook_subscriptions_user ON tracker.webhook_subscriptions (user_name, created_at);

-- One row per change-feed entry (seq_id, slot: the change log's key) and subscription: its webhook-id, so a change is
-- delivered to a subscription at most once at a time and retried as the same message.
CREATE TABLE IF NOT EXISTS tracker.webhook_deliveries (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id uuid        NOT NULL REFERENCES tracker.webhook_subscriptions (id),
    seq_id          bigint      NOT NULL,
    slot            bigint      NOT NULL,
    position        bigint      NOT NULL,
    created_at      timestamptz NOT NULL,
    -- Retries go on until this plus the configured window (24 h and more); a retry of a dead letter starts it again.
    window_from     timestamptz NOT NULL,
    -- When it is due: also the lease of a sender that claimed it (a sender that dies mid-POST is retried after it).
    next_attempt_at timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    delivered_at    timestamptz NULL,
    dead_at         timestamptz NULL,
    last_status     integer     NULL,
    last_error      text        NULL,
    last_attempt_at timestamptz NULL,
    UNIQUE (subscription_id, seq_id, slot)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON tracker.webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX IF NOT EXISTS webhook_deliveries_recent ON tracker.webhook_deliveries (subscription_id, id DESC);

-- The dispatcher's place in the change feed: the last chain position it has written the deliveries of. One row, locked
-- by the instance dispatching, so two instances never both dispatch. It starts at the chain's head: subscriptions
-- receive only what is committed after them.
CREATE TABLE IF NOT EXISTS tracker.webhook_dispatch (
    id       integer PRIMARY KEY CHECK (id = 1),
    position bigint  NOT NULL
);
INSERT INTO tracker.webhook_dispatch (id, position)
SELECT 1, coalesce(max(position), 0) FROM tracker.event_chain
ON CONFLICT (id) DO NOTHING;
