-- Issue 21: what each user follows (src/Tracker/Following/Watchlist.cs) and the key their Atom feeds are read with
-- (FeedKeys.cs). User preferences, not agreement history: plain rows, each attributed to its user. A follow names at
-- least one of an agreement, a commitment, a party (an actor code, resolved through the registry) or a category;
-- an entry of the change feed matches it when it matches every field the follow names.
CREATE TABLE IF NOT EXISTS tracker.watchlist (
    id            uuid        PRIMARY KEY,
    user_name     text        NOT NULL,
    agreement_id  text        NULL,
    commitment_id text        NULL,
    party         text        NULL,
    category      text        NULL,
    created_at    timestamptz NOT NULL,
    CHECK (num_nonnulls(agreement_id, commitment_id, party, category) > 0)
);
CREATE UNIQUE INDEX IF NOT EXISTS watchlist_follow ON tracker.watchlist
    (user_name, coalesce(agreement_id, ''), coalesce(commitment_id, ''), coalesce(party, ''), coalesce(category, ''));

-- One feed key per user; only its SHA-256 is kept (as the API tokens' are). Rotating replaces it.
CREATE TABLE IF NOT EXISTS tracker.feed_keys (
    user_name  text        PRIMARY KEY,
    key_hash   text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);

-- Followed changes are read newest first by agreement and by commitment (FollowedChanges.cs); a follow is checked
-- against the commitments that exist.
CREATE INDEX IF NOT EXISTS change_log_agreement ON tracker.change_log (agreement_id, seq_id);
CREATE INDEX IF NOT EXISTS change_log_commitment ON tracker.change_log (commitment_id, seq_id) WHERE commitment_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS portfolio_status_commitment ON tracker.portfolio_status (commitment_id, agreement_id);
