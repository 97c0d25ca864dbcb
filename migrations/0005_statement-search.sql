-- Issue 10: search across quotes, translations, speakers and outlets (PostgreSQL full-text search), kept inline by
-- the search projection (src/Tracker/Search/). One row per statement, in its current reading.
CREATE TABLE IF NOT EXISTS tracker.statement_search (
    agreement_id   text COLLATE "C" NOT NULL,
    statement_id   uuid        NOT NULL,
    said_on        text        NOT NULL,
    speaker        text        NOT NULL,
    role           text        NULL,
    actor          text        NULL,
    outlet         text        NOT NULL,
    url            text        NULL,
    quote          text        NOT NULL,
    translation    text        NULL,
    language       text        NOT NULL,
    -- The text search configuration of the quote's language (german for de, …; simple when PostgreSQL has none).
    config         regconfig   NOT NULL,
    commitment_ids text[]      NOT NULL,
    retracted      boolean     NOT NULL,
    recorded_at    timestamptz NOT NULL,
    -- Every word as written ('simple'), and the quote and translation stemmed in their languages, so that
    -- "Drohne" finds "Drohnen" and "production" finds "produce"; quotes and translations weigh most.
    document       tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, quote || ' ' || coalesce(translation, '')), 'A')
        || setweight(to_tsvector(config, quote), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(translation, '')), 'B')
        || setweight(to_tsvector('simple'::regconfig, speaker || ' ' || coalesce(role, '')), 'C')
        || setweight(to_tsvector('simple'::regconfig, outlet), 'D')) STORED,
    PRIMARY KEY (agreement_id, statement_id)
);
CREATE INDEX IF NOT EXISTS statement_search_document ON tracker.statement_search USING gin (document);
-- A word found in thousands of statements is listed newest first (ranking them all would take seconds).
CREATE INDEX IF NOT EXISTS statement_search_recent ON tracker.statement_search (recorded_at DESC, agreement_id, statement_id);
