DROP INDEX IF EXISTS tracker.portfolio_status_commitment;
DROP INDEX IF EXISTS tracker.change_log_commitment;
DROP INDEX IF EXISTS tracker.change_log_agreement;
DROP TABLE IF EXISTS tracker.feed_keys;
DROP TABLE IF EXISTS tracker.watchlist;
