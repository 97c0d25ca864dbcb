-- Issue 22: four-eyes review. The latest proposal on each statement (StatementProposal, kept inline from the agreement
-- streams' review events); the queue is read by state, agreement and proposer, oldest first.
CREATE TABLE IF NOT EXISTS tracker.mt_doc_statementproposal (
    id                  varchar                     NOT NULL,
    data                jsonb                       NOT NULL,
    mt_last_modified    timestamp with time zone    NULL DEFAULT (transaction_timestamp()),
    mt_version          uuid                        NOT NULL DEFAULT (md5(random()::text || clock_timestamp()::text)::uuid),
    mt_dotnet_type      varchar                     NULL,
CONSTRAINT pkey_mt_doc_statementproposal_id PRIMARY KEY (id)
);

CREATE INDEX mt_doc_statementproposal_idx_agreement_id ON tracker.mt_doc_statementproposal USING btree ((data ->> 'agreementId'));

CREATE INDEX mt_doc_statementproposal_idx_state ON tracker.mt_doc_statementproposal USING btree ((data ->> 'state'));

CREATE INDEX mt_doc_statementproposal_idx_proposed_by ON tracker.mt_doc_statementproposal USING btree ((data ->> 'proposedBy'));

CREATE INDEX mt_doc_statementproposal_idx_proposed_at ON tracker.mt_doc_statementproposal USING btree ((tracker.mt_immutable_timestamptz(data ->> 'proposedAt')));
