-- Issue 19: actors and people as a registry. Built-in actors (seeds/actors.csv) are written to builtin_actors at
-- start; registered and changed actors and people are kept inline from their event streams (src/Tracker/Registry).
-- Names and aliases keep the record-time range they were known in, so "known at T" resolves them as it did then.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Issue 19: the registry's inline snapshots (one document per actor and per person stream), as Marten creates them.
CREATE TABLE IF NOT EXISTS tracker.mt_doc_actorrecord (
    id                  varchar                     NOT NULL,
    data                jsonb                       NOT NULL,
    mt_last_modified    timestamp with time zone    NULL DEFAULT (transaction_timestamp()),
    mt_dotnet_type      varchar                     NULL,
    mt_version          bigint                      NOT NULL DEFAULT 0,
CONSTRAINT pkey_mt_doc_actorrecord_id PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS tracker.mt_doc_personrecord (
    id                  varchar                     NOT NULL,
    data                jsonb                       NOT NULL,
    mt_last_modified    timestamp with time zone    NULL DEFAULT (transaction_timestamp()),
    mt_dotnet_type      varchar                     NULL,
    mt_version          bigint                      NOT NULL DEFAULT 0,
CONSTRAINT pkey_mt_doc_personrecord_id PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS tracker.builtin_actors (
    actor_id   text COLLATE "C" PRIMARY KEY,
    kind       text NOT NULL,
    name       text NOT NULL,
    country    text NULL,
    valid_from date NULL,
    valid_to   date NULL,
    aliases    text[] NOT NULL,
    event_code text NULL,
    -- Code, name and aliases as matched (case and accents folded): what a search looks in.
    search     text NOT NULL
);

CREATE TABLE IF NOT EXISTS tracker.registry_actors (
    actor_id      text COLLATE "C" PRIMARY KEY,
    kind          text NOT NULL,
    name          text NOT NULL,
    country       text NULL,
    valid_from    date NULL,
    valid_to      date NULL,
    notes         text NULL,
    event_code    text NULL,
    aliases       text[] NOT NULL,
    merged_into   text NULL,
    builtin       boolean NOT NULL,
    registered_at timestamptz NOT NULL,
    registered_by text NULL,
    changed_at    timestamptz NOT NULL,
    search        text NOT NULL
);

-- Every name and alias an actor has had, with when it was known (record time): kind 'name' or 'alias'.
CREATE TABLE IF NOT EXISTS tracker.registry_actor_keys (
    actor_id   text COLLATE "C" NOT NULL,
    kind       text NOT NULL,
    written    text NOT NULL,
    key        text COLLATE "C" NOT NULL,
    added_at   timestamptz NOT NULL,
    removed_at timestamptz NULL
);
CREATE INDEX IF NOT EXISTS registry_actor_keys_key ON tracker.registry_actor_keys (key, added_at);
CREATE INDEX IF NOT EXISTS registry_actor_keys_actor ON tracker.registry_actor_keys (actor_id, kind, added_at);
-- An alias belongs to one actor at a time (the writer checks first; this makes it a fact).
CREATE UNIQUE INDEX IF NOT EXISTS registry_actor_alias_current ON tracker.registry_actor_keys (key)
    WHERE kind = 'alias' AND removed_at IS NULL;

CREATE TABLE IF NOT EXISTS tracker.registry_people (
    person_id     text COLLATE "C" PRIMARY KEY,
    name          text NOT NULL,
    aliases       text[] NOT NULL,
    notes         text NULL,
    registered_at timestamptz NOT NULL,
    registered_by text NULL,
    changed_at    timestamptz NOT NULL,
    search        text NOT NULL
);

-- Name and alias keys of people, with when each was known.
CREATE TABLE IF NOT EXISTS tracker.registry_person_keys (
    person_id  text COLLATE "C" NOT NULL,
    written    text NOT NULL,
    key        text COLLATE "C" NOT NULL,
    added_at   timestamptz NOT NULL,
    removed_at timestamptz NULL
);
CREATE INDEX IF NOT EXISTS registry_person_keys_key ON tracker.registry_person_keys (key, added_at);
CREATE INDEX IF NOT EXISTS registry_person_keys_person ON tracker.registry_person_keys (person_id);

CREATE TABLE IF NOT EXISTS tracker.registry_person_roles (
    person_id text COLLATE "C" NOT NULL,
    role      text NOT NULL,
    actor     text NULL,
    from_date date NULL,
    to_date   date NULL,
    added_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS registry_person_roles_person ON tracker.registry_person_roles (person_id, from_date);

-- Search by any part of a code, name or alias (trigrams: "umer" finds Umerov, "renau" Renault).
CREATE INDEX IF NOT EXISTS builtin_actors_search ON tracker.builtin_actors USING gin (search gin_trgm_ops);
CREATE INDEX IF NOT EXISTS registry_actors_search ON tracker.registry_actors USING gin (search gin_trgm_ops);
CREATE INDEX IF NOT EXISTS registry_people_search ON tracker.registry_people USING gin (search gin_trgm_ops);

-- The registry as one list: a registered or changed actor in place of its built-in entry.
CREATE OR REPLACE VIEW tracker.actor_directory AS
    SELECT actor_id, kind, name, country, valid_from, valid_to, aliases, event_code, notes, merged_into, builtin, search
    FROM tracker.registry_actors
    UNION ALL
    SELECT b.actor_id, b.kind, b.name, b.country, b.valid_from, b.valid_to, b.aliases, b.event_code, NULL, NULL, true, b.search
    FROM tracker.builtin_actors b
    WHERE NOT EXISTS (SELECT 1 FROM tracker.registry_actors r WHERE r.actor_id = b.actor_id);

-- Statements find their speaker's person by the name as matched (case and accents folded).
-- A statement linked to a person by id (speaker.personId) is theirs whatever the name's spelling.
ALTER TABLE tracker.statement_search ADD COLUMN IF NOT EXISTS speaker_key text COLLATE "C" NULL;
ALTER TABLE tracker.statement_search ADD COLUMN IF NOT EXISTS person_id text COLLATE "C" NULL;
CREATE INDEX IF NOT EXISTS statement_search_speaker_key ON tracker.statement_search (speaker_key);
CREATE INDEX IF NOT EXISTS statement_search_person ON tracker.statement_search (person_id) WHERE person_id IS NOT NULL;
