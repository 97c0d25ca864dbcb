-- The chain and the events it covers, one JSON object per line, for tools/verify_chain.py:
--   psql -XAt -f tools/chain-dump.sql "$DATABASE_URL" > chain.jsonl
-- Every value is as PostgreSQL stores it; data and headers are PostgreSQL's own text of the jsonb, which is what is
-- hashed. A hash row whose event is gone has "seq_id" and the other event fields null.
select json_build_object(
    'position', c.position,
    'chain_seq_id', c.seq_id,
    'chain_stream_id', c.stream_id,
    'chain_version', c.version,
    'hash', encode(c.hash, 'hex'),
    'seq_id', e.seq_id,
    'stream_id', e.stream_id,
    'version', e.version,
    'type', e.type,
    'timestamp', case when isfinite(e.timestamp) then to_char(e.timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                      else e.timestamp::text end,
    'user_name', e.user_name,
    'correlation_id', e.correlation_id,
    'causation_id', e.causation_id,
    'headers', e.headers::text,
    'data', e.data::text)::text
from tracker.event_chain c left join tracker.mt_events e on e.seq_id = c.seq_id
order by c.position;
