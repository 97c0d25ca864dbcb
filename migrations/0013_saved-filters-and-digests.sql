-- Issue 21 (item 3): a follow may be a saved portfolio filter with a condition on the change itself: the stage a
-- status change reaches (from another), or that it makes the commitment overdue or contested (from not). A follow now
-- names at least one field or one condition ("anything that becomes overdue" names no field). Matched in SQL against
-- the change log's before/after (Following/Watchlist.cs, Watchlist.Matches).
ALTER TABLE tracker.watchlist
    ADD COLUMN IF NOT EXISTS reaches           text    NULL,
    ADD COLUMN IF NOT EXISTS becomes_overdue   boolean NOT NULL DEFAULT false,
    ADD COLUMN IF NOT EXISTS becomes_contested boolean NOT NULL DEFAULT false;
ALTER TABLE tracker.watchlist DROP CONSTRAINT IF EXISTS watchlist_check;
ALTER TABLE tracker.watchlist DROP CONSTRAINT IF EXISTS watchlist_names_something;
ALTER TABLE tracker.watchlist ADD CONSTRAINT watchlist_names_something
    CHECK (num_nonnulls(agreement_id, commitment_id, party, category, reaches) > 0 OR becomes_overdue OR becomes_contested);
DROP INDEX IF EXISTS tracker.watchlist_follow;
CREATE UNIQUE INDEX IF NOT EXISTS watchlist_follow ON tracker.watchlist
    (user_name, coalesce(agreement_id, ''), coalesce(commitment_id, ''), coalesce(party, ''), coalesce(category, ''),
     coalesce(reaches, ''), becomes_overdue, becomes_contested);

-- Issue 21 (item 6): the daily email digests (Following/Digests/). One row per user and UTC day, inserted before the
-- mail is sent: the key is the claim, so two instances (or the schedule and the 'digest send' verb) cannot both send
-- one. 'sending' is a claim held until lease_until by claim_id; a sender that dies holding it leaves it to be taken
-- again once the lease has run out (the digest is retried, not lost). 'sent' (changes > 0) and 'empty' (nothing to
-- tell, nothing mailed) are final. through_position/through_slot: the feed cursor the digest read up to, where the
-- user's next digest starts.
CREATE TABLE IF NOT EXISTS tracker.digests (
    user_name        text        NOT NULL,
    day              date        NOT NULL,
    state            text        NOT NULL CHECK (state IN ('sending', 'sent', 'empty')),
    claim_id         uuid        NOT NULL,
    claimed_at       timestamptz NOT NULL,
    lease_until      timestamptz NOT NULL,
    attempts         int         NOT NULL DEFAULT 1,
    sent_at          timestamptz NULL,
    recipient        text        NULL,
    changes          int         NULL,
    through_position bigint      NULL,
    through_slot     bigint      NULL,
    PRIMARY KEY (user_name, day),
    CHECK ((state = 'sending') = (sent_at IS NULL)),
    CHECK (state = 'sending' OR (through_position IS NOT NULL AND through_slot IS NOT NULL))
);
