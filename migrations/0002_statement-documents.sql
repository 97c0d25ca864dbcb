DO $$
BEGIN      IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'tracker') THEN
        BEGIN
          EXECUTE 'CREATE SCHEMA IF NOT EXISTS tracker';
        EXCEPTION
          WHEN duplicate_schema THEN NULL;
          WHEN unique_violation THEN NULL;
        END;
      END IF;

END
$$;


CREATE TABLE IF NOT EXISTS tracker.mt_doc_agreementheader (
    id                  varchar                     NOT NULL,
    data                jsonb                       NOT NULL,
    mt_last_modified    timestamp with time zone    NULL DEFAULT (transaction_timestamp()),
    mt_dotnet_type      varchar                     NULL,
    mt_version          bigint                      NOT NULL DEFAULT 0,
CONSTRAINT pkey_mt_doc_agreementheader_id PRIMARY KEY (id)
);
CREATE TABLE IF NOT EXISTS tracker.mt_doc_statemententry (
    id                  varchar                     NOT NULL,
    data                jsonb                       NOT NULL,
    mt_last_modified    timestamp with time zone    NULL DEFAULT (transaction_timestamp()),
    mt_dotnet_type      varchar                     NULL,
    mt_version          bigint                      NOT NULL DEFAULT 0,
CONSTRAINT pkey_mt_doc_statemententry_id PRIMARY KEY (id)
);

CREATE INDEX mt_doc_statemententry_idx_agreement_id ON tracker.mt_doc_statemententry USING btree ((data ->> 'agreementId'));

-- The whole-agreement snapshot gives way to the header and per-statement documents above (a write then stores
-- what it changes, not the agreement's whole history). The events hold everything: at start the service refills
-- the new documents from them when they are behind (InlineProjectionBackfill).
DROP TABLE IF EXISTS tracker.mt_doc_agreement CASCADE;
