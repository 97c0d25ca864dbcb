-- Issue 20: a status row's JSON (about 2 kB of text) is over PostgreSQL's TOAST threshold, so every row written is
-- compressed and every row a report reads is decompressed. lz4 does both several times faster than the default
-- pglz (measured on a 150,000-event store: inserting every status row 25.6 s -> 18.2 s, a scan reading every status
-- 1.8 s -> 1.1 s, the table 5 % larger). Rows already stored keep their compression until rewritten; a portfolio
-- rebuild rewrites them all (its twins are created LIKE the live tables, compression included). A server built
-- without lz4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE tracker.portfolio_status ALTER COLUMN status SET COMPRESSION lz4;
    ALTER TABLE tracker.portfolio_transitions ALTER COLUMN change SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'this PostgreSQL has no lz4: the portfolio''s JSON stays compressed with pglz';
END
$$;
