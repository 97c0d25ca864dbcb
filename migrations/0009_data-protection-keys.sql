-- Issue 11: the keys that protect workbench session cookies and antiforgery tokens (ASP.NET Core data protection),
-- kept in the database so that every instance serving it reads the cookies the others issued, and so that they
-- survive a restart or a new container (src/Tracker/Infrastructure/DataProtectionKeys.cs).
CREATE TABLE IF NOT EXISTS tracker.data_protection_keys (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name text        NOT NULL,
    xml           text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
