-- Issue 21: what a follower of the tracker is told. One row per entry of the change feed, written by the portfolio
-- projection in the appending transaction (PortfolioProjection, Following/ChangeLog.cs):
--   slot 0        the statement's own lifecycle entry (statement-recorded, -corrected, -retracted: a tombstone);
--   slot ordinal  a status change of the commitment with that ordinal (status-changed), with before and after.
-- These are facts, not a projection's disposable rows: no teardown deletes them, and a replay of the events (a
-- projection rebuild, the start-up backfill) writes none, because it is recognised by the event being chained
-- already (the chain row is written at commit, so the appending transaction never sees its own). The feed's order
-- and each entry's hash are the chain's (tracker.event_chain, joined on seq_id).
CREATE TABLE IF NOT EXISTS tracker.change_log (
    seq_id        bigint      NOT NULL,
    slot          bigint      NOT NULL CHECK (slot >= 0),
    kind          text        NOT NULL
        CHECK (kind IN ('statement-recorded', 'statement-corrected', 'statement-retracted', 'status-changed')),
    agreement_id  varchar     NOT NULL,
    commitment_id text        NULL,
    categories    text[]      NOT NULL,
    statement_id  uuid        NULL,
    reason        text        NULL,
    recorded_at   timestamptz NOT NULL,
    recorded_by   text        NULL,
    before        jsonb       NULL,
    after         jsonb       NULL,
    PRIMARY KEY (seq_id, slot),
    CHECK ((kind = 'status-changed') = (slot > 0 AND commitment_id IS NOT NULL AND after IS NOT NULL))
);
