-- Issue 23: captured sources (src/Tracker/Sources/). When a statement with a source URL is committed, the capture
-- dispatcher (following the hash chain in commit order from its cursor, like the webhook dispatcher) writes a capture
-- job in one transaction with moving its cursor; capturers claim due jobs (FOR UPDATE SKIP LOCKED, a lease), fetch the
-- page safely, keep its bytes here by SHA-256 and append a SourceCaptured event to the agreement's sources stream.
-- Nothing between a statement's commit and its capture lives only in memory: a kill -9 delays a capture, never loses it.

-- The bytes of every capture and document, once per distinct content (content-addressed: the key is their SHA-256),
-- with the text extracted from them. 10,000 captures of one page cost one row.
CREATE TABLE IF NOT EXISTS tracker.source_blobs (
    sha256       bytea       PRIMARY KEY CHECK (octet_length(sha256) = 32),
    content_type text        NOT NULL,
    length       bigint      NOT NULL,
    bytes        bytea       NOT NULL,
    text         text        NULL,
    stored_at    timestamptz NOT NULL
);
-- Large bytes are stored compressed and out of line by PostgreSQL (TOAST) already; say so for text and bytes alike.
ALTER TABLE tracker.source_blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;

-- One job per statement, URL and round (0: on record; n: the nth recheck): the key that makes a capture run once.
CREATE TABLE IF NOT EXISTS tracker.capture_jobs (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agreement_id    varchar     NOT NULL,
    statement_id    uuid        NOT NULL,
    url             text        NOT NULL,
    round           integer     NOT NULL,
    created_at      timestamptz NOT NULL,
    -- When it is due: also the lease of a capturer that claimed it (one that dies mid-fetch is retried after it).
    next_attempt_at timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    done_at         timestamptz NULL,
    last_error      text        NULL,
    UNIQUE (agreement_id, statement_id, url, round)
);
CREATE INDEX IF NOT EXISTS capture_jobs_due ON tracker.capture_jobs (next_attempt_at) WHERE done_at IS NULL;

-- The dispatcher's place in the chain. It starts at the head: statements recorded before this migration are captured
-- by 'tracker sources recheck', not by a flood of fetches at the first start.
CREATE TABLE IF NOT EXISTS tracker.capture_dispatch (
    id       integer PRIMARY KEY CHECK (id = 1),
    position bigint  NOT NULL
);
INSERT INTO tracker.capture_dispatch (id, position)
SELECT 1, coalesce(max(position), 0) FROM tracker.event_chain
ON CONFLICT (id) DO NOTHING;

-- Every capture as its SourceCaptured event says (written in the same transaction as the event): what the workbench,
-- the API and the reports show beside a statement, read by index.
CREATE TABLE IF NOT EXISTS tracker.source_captures (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agreement_id varchar     NOT NULL,
    statement_id uuid        NOT NULL,
    url          text        NOT NULL,
    round        integer     NOT NULL,
    fetched_at   timestamptz NOT NULL,
    final_url    text        NULL,
    status       integer     NULL,
    content_type text        NULL,
    sha256       bytea       NULL REFERENCES tracker.source_blobs (sha256),
    quote        text        NOT NULL,
    selector     jsonb       NULL,
    refusal      text        NULL,
    drift        text        NULL,
    seq_id       bigint      NOT NULL
);
CREATE INDEX IF NOT EXISTS source_captures_statement ON tracker.source_captures (agreement_id, statement_id, id DESC);
CREATE INDEX IF NOT EXISTS source_captures_fetched ON tracker.source_captures (fetched_at);

-- Statements whose source has drifted: their latest capture no longer holds the quote, or the page is gone. A later
-- capture that finds it again removes the row. The status report's sourceDrift filter reads it.
CREATE TABLE IF NOT EXISTS tracker.source_drift (
    agreement_id varchar     NOT NULL,
    statement_id uuid        NOT NULL,
    url          text        NOT NULL,
    drift        text        NOT NULL,
    since        timestamptz NOT NULL,
    PRIMARY KEY (agreement_id, statement_id)
);

-- Documents attached to an agreement (its own text), their text searchable like statements'.
CREATE TABLE IF NOT EXISTS tracker.agreement_documents (
    agreement_id varchar     NOT NULL,
    document_id  uuid        NOT NULL,
    file_name    text        NOT NULL,
    title        text        NULL,
    content_type text        NOT NULL,
    sha256       bytea       NOT NULL REFERENCES tracker.source_blobs (sha256),
    length       bigint      NOT NULL,
    attached_at  timestamptz NOT NULL,
    attached_by  text        NOT NULL,
    document     tsvector    NOT NULL,
    PRIMARY KEY (agreement_id, document_id)
);
CREATE INDEX IF NOT EXISTS agreement_documents_search ON tracker.agreement_documents USING gin (document);
