DROP TRIGGER IF EXISTS event_chain_append ON tracker.mt_events;
DROP FUNCTION IF EXISTS tracker.event_chain_append();
DROP FUNCTION IF EXISTS tracker.event_chain_hash(bytea, tracker.mt_events);
DROP TABLE IF EXISTS tracker.event_chain_checkpoints;
DROP TABLE IF EXISTS tracker.event_chain_genesis;
DROP TABLE IF EXISTS tracker.event_chain;
