-- Issue 9: the portfolio projection's read models and its own two documents.
CREATE TABLE IF NOT EXISTS tracker.mt_doc_commitmentfile (
    id                  varchar                     NOT NULL,
    data                jsonb                       NOT NULL,
    mt_last_modified    timestamp with time zone    NULL DEFAULT (transaction_timestamp()),
    mt_version          uuid                        NOT NULL DEFAULT (md5(random()::text || clock_timestamp()::text)::uuid),
    mt_dotnet_type      varchar                     NULL,
CONSTRAINT pkey_mt_doc_commitmentfile_id PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS tracker.mt_doc_statementroute (
    id                  varchar                     NOT NULL,
    data                jsonb                       NOT NULL,
    mt_last_modified    timestamp with time zone    NULL DEFAULT (transaction_timestamp()),
    mt_version          uuid                        NOT NULL DEFAULT (md5(random()::text || clock_timestamp()::text)::uuid),
    mt_dotnet_type      varchar                     NULL,
CONSTRAINT pkey_mt_doc_statementroute_id PRIMARY KEY (id)
);

-- The portfolio's read models (see src/Tracker/Portfolio/PortfolioProjection.cs). Ranges are [from, to): valid time
-- in said-on dates ('-infinity' .. 'infinity'), record time in instants ('infinity' while a row is current).
CREATE TABLE IF NOT EXISTS tracker.portfolio_agreements (
    agreement_id  text COLLATE "C" PRIMARY KEY,
    title         text        NOT NULL,
    parties       text[]      NOT NULL,
    summary       text        NULL,
    tags          text[]      NOT NULL,
    opened        jsonb       NOT NULL,
    opened_at     timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS portfolio_agreements_parties ON tracker.portfolio_agreements USING gin (parties);
CREATE INDEX IF NOT EXISTS portfolio_agreements_tags ON tracker.portfolio_agreements USING gin (tags);

CREATE TABLE IF NOT EXISTS tracker.portfolio_status (
    agreement_id  text COLLATE "C" NOT NULL,
    ordinal       bigint      NOT NULL,
    commitment_id text        NOT NULL,
    known_from    timestamptz NOT NULL,
    known_to      timestamptz NOT NULL,
    valid_from    date        NOT NULL,
    valid_to      date        NOT NULL,
    category      text        NOT NULL,
    stage         text        NULL,
    contested     boolean     NOT NULL,
    status        jsonb       NOT NULL,
    -- The two ranges as columns of their own, so that their indexes answer counts without reading the rows.
    valid         daterange   GENERATED ALWAYS AS (daterange(valid_from, valid_to, '[)')) STORED,
    known         tstzrange   GENERATED ALWAYS AS (tstzrange(known_from, known_to, '[)')) STORED,
    PRIMARY KEY (agreement_id, ordinal, known_from, valid_from)
);
-- The current answer (known now, as of the latest date) in report order, and by each filter.
CREATE INDEX IF NOT EXISTS portfolio_status_now ON tracker.portfolio_status (agreement_id, ordinal)
    INCLUDE (stage) WHERE known_to = 'infinity' AND valid_to = 'infinity';
CREATE INDEX IF NOT EXISTS portfolio_status_now_by_stage ON tracker.portfolio_status (stage, agreement_id, ordinal)
    WHERE known_to = 'infinity' AND valid_to = 'infinity';
CREATE INDEX IF NOT EXISTS portfolio_status_now_by_category ON tracker.portfolio_status (category, agreement_id, ordinal)
    INCLUDE (stage) WHERE known_to = 'infinity' AND valid_to = 'infinity';
-- Any other point on the two clocks: as of a date under what is known now, the latest answer as known at an
-- instant, or both. Pages walk the primary key in report order; totals use these.
CREATE INDEX IF NOT EXISTS portfolio_status_as_of ON tracker.portfolio_status
    USING gist (valid) INCLUDE (stage, category, agreement_id) WHERE known_to = 'infinity';
CREATE INDEX IF NOT EXISTS portfolio_status_known_at ON tracker.portfolio_status
    USING gist (known) INCLUDE (stage, category, agreement_id) WHERE valid_to = 'infinity';
CREATE INDEX IF NOT EXISTS portfolio_status_clocks ON tracker.portfolio_status
    USING gist (known, valid) INCLUDE (stage, category, agreement_id);

CREATE TABLE IF NOT EXISTS tracker.portfolio_now (
    agreement_id  text COLLATE "C" NOT NULL,
    ordinal       bigint      NOT NULL,
    category      text        NOT NULL,
    stage         text        NULL,
    contested     boolean     NOT NULL,
    PRIMARY KEY (agreement_id, ordinal)
);

CREATE TABLE IF NOT EXISTS tracker.portfolio_transitions (
    agreement_id  text COLLATE "C" NOT NULL,
    ordinal       bigint      NOT NULL,
    seq           integer     NOT NULL,
    known_from    timestamptz NOT NULL,
    known_to      timestamptz NOT NULL,
    said_key      integer     NOT NULL,
    said_end      date        NOT NULL,
    change        jsonb       NOT NULL,
    PRIMARY KEY (agreement_id, ordinal, known_from, seq)
);
CREATE INDEX IF NOT EXISTS portfolio_transitions_now ON tracker.portfolio_transitions (said_end)
    WHERE known_to = 'infinity';
CREATE INDEX IF NOT EXISTS portfolio_transitions_known ON tracker.portfolio_transitions (said_end, known_from, known_to);

CREATE TABLE IF NOT EXISTS tracker.portfolio_statements (
    agreement_id  text COLLATE "C" NOT NULL,
    statement_id  uuid        NOT NULL,
    known_from    timestamptz NOT NULL,
    known_to      timestamptz NOT NULL,
    said_key      integer     NOT NULL,
    said_end      date        NOT NULL,
    retracted     boolean     NOT NULL,
    PRIMARY KEY (agreement_id, statement_id, known_from)
);
