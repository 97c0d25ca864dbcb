-- Issue 12: a tamper-evident record. Every event appended to tracker.mt_events, by any writer (the service, an
-- import, another instance, Marten's tombstones, raw SQL), gets a hash row in the same transaction: a SHA-256 over
-- the previous row's hash and a canonical encoding of the event (README, "Proving the record"). This is no Marten
-- projection on purpose: nothing rebuilds or tears it down. Events already stored are chained by this migration.

-- One row per event, in chain order (the order the appending transactions committed, which is not always seq_id
-- order: sequence numbers are reserved before a transaction commits). stream_id and version are kept so that a
-- verifier can tell an event moved to another seq_id from one whose content changed.
CREATE TABLE IF NOT EXISTS tracker.event_chain (
    position  bigint  NOT NULL PRIMARY KEY,
    seq_id    bigint  NOT NULL UNIQUE,
    stream_id varchar NULL,
    version   bigint  NOT NULL,
    hash      bytea   NOT NULL CHECK (octet_length(hash) = 32)
);
CREATE INDEX IF NOT EXISTS event_chain_stream ON tracker.event_chain (stream_id, position);

-- When the chain began, and how many events this migration chained (they were appended before the chain existed:
-- the chain proves nothing about them before this moment).
CREATE TABLE IF NOT EXISTS tracker.event_chain_genesis (
    id           int         NOT NULL PRIMARY KEY CHECK (id = 1),
    chained_at   timestamptz NOT NULL,
    backfilled   bigint      NOT NULL,
    backfilled_through_seq bigint NULL
);

-- Signed heads (tracker checkpoint): position, head hash, time, Ed25519 signature by the instance's key.
CREATE TABLE IF NOT EXISTS tracker.event_chain_checkpoints (
    position   bigint      NOT NULL,
    seq_id     bigint      NULL,
    hash       bytea       NOT NULL,
    signed_at  timestamptz NOT NULL,
    public_key text        NOT NULL,
    signature  text        NOT NULL,
    PRIMARY KEY (position, signed_at)
);

-- hash(n) = SHA-256("tracker-event-chain-v1" || hash(n-1) || each field as its UTF-8 byte length in 8 bytes
-- big-endian (-1 for NULL, then no bytes) and its UTF-8 bytes). One PL/pgSQL function with no calls of its own:
-- an import chains 100,000 events at its commit.
CREATE OR REPLACE FUNCTION tracker.event_chain_hash(previous bytea, e tracker.mt_events) RETURNS bytea
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    buffer bytea := convert_to('tracker-event-chain-v1', 'UTF8') || previous;
    value  text;
    bytes  bytea;
BEGIN
    FOREACH value IN ARRAY ARRAY[e.seq_id::text, e.stream_id, e.version::text, e.type,
        -- Marten dates its tombstones -infinity: infinite times are PostgreSQL's words for them.
        CASE WHEN isfinite(e.timestamp) THEN to_char(e.timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
             ELSE e.timestamp::text END,
        e.user_name, e.correlation_id, e.causation_id, e.headers::text, e.data::text] LOOP
        IF value IS NULL THEN
            buffer := buffer || '\xffffffffffffffff'::bytea;
        ELSE
            bytes := convert_to(value, 'UTF8');
            buffer := buffer || int8send(octet_length(bytes)::bigint) || bytes;
        END IF;
    END LOOP;
    RETURN sha256(buffer);
END
$$;

-- Chain order is taken under one transaction-scoped advisory lock (key "tracker" + 12, apart from the migrations'
-- and the backfill's). The tip is looked up once per transaction and then kept in a transaction-local setting:
-- an import appends 100,000 events in one transaction, and a lookup per event would read a table that grows under
-- it (never a head row updated per event either: as many versions of one row slow every later lookup).
CREATE OR REPLACE FUNCTION tracker.event_chain_append() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    tip          text := current_setting('tracker.event_chain_tip', true);
    tip_position bigint;
    tip_hash     bytea;
    next_hash    bytea;
BEGIN
    IF tip IS NULL OR tip = '' THEN
        PERFORM pg_advisory_xact_lock(32776859903812990);
        SELECT c.position, c.hash INTO tip_position, tip_hash FROM tracker.event_chain c
        WHERE c.position = (SELECT max(m.position) FROM tracker.event_chain m);
        IF tip_position IS NULL THEN
            tip_position := 0;
            tip_hash := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
        END IF;
    ELSE
        tip_position := split_part(tip, ':', 1)::bigint;
        tip_hash := decode(split_part(tip, ':', 2), 'hex');
    END IF;
    next_hash := tracker.event_chain_hash(tip_hash, NEW);
    INSERT INTO tracker.event_chain (position, seq_id, stream_id, version, hash)
    VALUES (tip_position + 1, NEW.seq_id, NEW.stream_id, NEW.version, next_hash);
    PERFORM set_config('tracker.event_chain_tip', (tip_position + 1)::text || ':' || encode(next_hash, 'hex'), true);
    RETURN NULL;
END
$$;

-- Deferred to commit: the chain's lock is held only while the committing transaction hashes its own events, not
-- for the whole of every write.
DROP TRIGGER IF EXISTS event_chain_append ON tracker.mt_events;
CREATE CONSTRAINT TRIGGER event_chain_append AFTER INSERT ON tracker.mt_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tracker.event_chain_append();

-- The events stored before this migration, chained now in seq_id order (the trigger above blocks other appends
-- from the moment it is created until this transaction commits).
DO $$
DECLARE
    e     tracker.mt_events;
    n     bigint := 0;
    tip   bytea  := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    last_seq bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM tracker.event_chain) THEN RETURN; END IF;
    FOR e IN SELECT * FROM tracker.mt_events ORDER BY seq_id LOOP
        n := n + 1;
        tip := tracker.event_chain_hash(tip, e);
        INSERT INTO tracker.event_chain (position, seq_id, stream_id, version, hash) VALUES (n, e.seq_id, e.stream_id, e.version, tip);
        last_seq := e.seq_id;
    END LOOP;
    INSERT INTO tracker.event_chain_genesis (id, chained_at, backfilled, backfilled_through_seq) VALUES (1, now(), n, last_seq)
    ON CONFLICT (id) DO NOTHING;
END
$$;
