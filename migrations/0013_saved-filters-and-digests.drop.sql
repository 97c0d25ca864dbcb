DROP TABLE IF EXISTS tracker.digests;
-- Follows with a condition have no meaning without their condition: they go, rather than widen to every change.
DELETE FROM tracker.watchlist WHERE reaches IS NOT NULL OR becomes_overdue OR becomes_contested;
DROP INDEX IF EXISTS tracker.watchlist_follow;
ALTER TABLE tracker.watchlist DROP CONSTRAINT IF EXISTS watchlist_names_something;
ALTER TABLE tracker.watchlist DROP COLUMN IF EXISTS reaches, DROP COLUMN IF EXISTS becomes_overdue,
    DROP COLUMN IF EXISTS becomes_contested;
ALTER TABLE tracker.watchlist ADD CONSTRAINT watchlist_check
    CHECK (num_nonnulls(agreement_id, commitment_id, party, category) > 0);
CREATE UNIQUE INDEX IF NOT EXISTS watchlist_follow ON tracker.watchlist
    (user_name, coalesce(agreement_id, ''), coalesce(commitment_id, ''), coalesce(party, ''), coalesce(category, ''));
