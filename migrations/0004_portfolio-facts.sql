-- Issue 9 follow-up: a commitment's statements (the facts the status rule reads) as one row each, not inside its
-- commitment file, so that recording a statement writes one small row however many statements the commitment has.
CREATE TABLE IF NOT EXISTS tracker.portfolio_facts (
    commitment_key text COLLATE "C" NOT NULL,
    statement_id   uuid  NOT NULL,
    facts          json  NOT NULL, -- never queried inside: kept as written, read back without conversion
    PRIMARY KEY (commitment_key, statement_id)
);
-- Files written before this change carry the facts themselves and none here: emptied, so that the next start finds
-- the portfolio behind the events and rebuilds it (InlineProjectionBackfill).
TRUNCATE tracker.mt_doc_commitmentfile;
