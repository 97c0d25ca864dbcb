DROP TABLE IF EXISTS tracker.data_protection_keys;
