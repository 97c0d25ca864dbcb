DROP TABLE IF EXISTS tracker.source_recheck_schedule;
