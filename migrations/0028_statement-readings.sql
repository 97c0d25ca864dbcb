-- Issue 20: the status report's CSV cites each row's statements as one line each ("id: Speaker (role, ACTOR),
-- Outlet, said-on: “words” (translation: “…”) url archived: url", src/Tracker/Reports/Rendering/CsvReport.cs Cited).
-- Taking each cited statement's document apart for every record cost 0.125 ms a record. Each reading of a statement
-- (as recorded, then after each correction) is kept here export-ready, over the record time it was the reading:
-- [known_from, known_to), the original from -infinity. The reading known at an instant T is the one whose range holds T,
-- as src/Tracker/Reports/CsvCopySql.cs chose it from the document (the last correction recorded by T, else the
-- original). csv_line is the whole cited line as the renderer writes it when the people registry names nobody, its
-- quotes doubled as inside a CSV field (a cited line always holds a comma, so the field is always quoted, and it begins
-- with the statement id, so it is never guarded as a formula); csv_tail is the line from ", Outlet" on, the same way,
-- for the report to put the registry's name and role (as known at its instant) before it.
-- The rows follow the statement documents (mt_doc_statemententry) by trigger, so every way they are written — an append,
-- a projection rebuild (which empties them), this migration's backfill — keeps them equal.
CREATE TABLE IF NOT EXISTS tracker.statement_readings (
    agreement_id  text COLLATE "C" NOT NULL,
    statement_id  uuid        NOT NULL,
    n             integer     NOT NULL, -- 0: as recorded; k: after the k-th correction
    known_from    timestamptz NOT NULL,
    known_to      timestamptz NOT NULL,
    speaker       text        NULL,
    role          text        NULL,
    actor         text        NULL,
    person_id     text        NULL,
    said_on       text        NULL,
    csv_line      text        NOT NULL,
    csv_tail      text        NOT NULL,
    PRIMARY KEY (agreement_id, statement_id, n)
);

CREATE OR REPLACE FUNCTION tracker.statement_readings_of(d jsonb) RETURNS SETOF tracker.statement_readings
LANGUAGE sql STABLE AS $$
    select d ->> 'agreementId', (d ->> 'id')::uuid, x.n::integer, x.known_from,
           coalesce(lead(x.known_from) over (order by x.n), 'infinity'::timestamptz),
           x.speaker, x.role, x.actor, x.person_id, x.said_on,
           replace(concat(d ->> 'id', ': ',
                  case when coalesce(x.role, '') <> '' and coalesce(x.actor, '') <> '' then x.speaker || ' (' || x.role || ', ' || x.actor || ')'
                       when coalesce(x.role, '') <> '' then x.speaker || ' (' || x.role || ')'
                       when coalesce(x.actor, '') <> '' then x.speaker || ' (' || x.actor || ')'
                       else x.speaker end,
                  x.tail), '"', '""'),
           replace(x.tail, '"', '""')
    from (
        select r.n, r.known_from, r.r -> 'speaker' ->> 'name' as speaker, r.r -> 'speaker' ->> 'role' as role,
               r.r -> 'speaker' ->> 'actor' as actor, r.r -> 'speaker' ->> 'personId' as person_id, r.r ->> 'saidOn' as said_on,
               concat(', ', r.r -> 'source' ->> 'outlet', ', ', r.r ->> 'saidOn', ': “', r.r ->> 'quote', '”',
                      case when coalesce(r.r ->> 'translation', '') <> '' then ' (translation: “' || (r.r ->> 'translation') || '”)' end,
                      case when coalesce(r.r -> 'source' ->> 'url', '') <> '' then ' ' || (r.r -> 'source' ->> 'url') end,
                      case when coalesce(r.r -> 'source' ->> 'archiveUrl', '') <> '' then ' archived: ' || (r.r -> 'source' ->> 'archiveUrl') end) as tail
        from (select 0::bigint as n, '-infinity'::timestamptz as known_from, d -> 'original' as r
              union all
              select c.n, (c.c -> 'recorded' ->> 'at')::timestamptz, c.c -> 'after'
              from jsonb_array_elements(d -> 'corrections') with ordinality as c(c, n)) r) x
$$;

CREATE OR REPLACE FUNCTION tracker.statement_readings_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE tracker.statement_readings;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM tracker.statement_readings
        WHERE agreement_id = OLD.data ->> 'agreementId' AND statement_id = (OLD.data ->> 'id')::uuid;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO tracker.statement_readings SELECT * FROM tracker.statement_readings_of(NEW.data);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS statement_readings_follow ON tracker.mt_doc_statemententry;
CREATE TRIGGER statement_readings_follow AFTER INSERT OR UPDATE OR DELETE ON tracker.mt_doc_statemententry
    FOR EACH ROW EXECUTE FUNCTION tracker.statement_readings_follow();
DROP TRIGGER IF EXISTS statement_readings_truncate ON tracker.mt_doc_statemententry;
CREATE TRIGGER statement_readings_truncate AFTER TRUNCATE ON tracker.mt_doc_statemententry
    FOR EACH STATEMENT EXECUTE FUNCTION tracker.statement_readings_follow();

-- The statements stored before this migration.
INSERT INTO tracker.statement_readings
SELECT r.* FROM tracker.mt_doc_statemententry d CROSS JOIN LATERAL tracker.statement_readings_of(d.data) r
ON CONFLICT DO NOTHING;
