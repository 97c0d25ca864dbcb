ALTER TABLE tracker.portfolio_status ALTER COLUMN status SET COMPRESSION default;
ALTER TABLE tracker.portfolio_transitions ALTER COLUMN change SET COMPRESSION default;
