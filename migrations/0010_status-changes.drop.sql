DROP TABLE IF EXISTS tracker.change_log;
