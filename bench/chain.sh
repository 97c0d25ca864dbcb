#!/usr/bin/env bash
# What the hash chain costs, measured against the same product without it, on one server in one run.
#   bench/chain.sh [seconds]      seconds per HTTP measurement (default 30)
# Environment: BENCH_IMPORT_STATEMENTS (default 100000), BENCH_VERIFY_STATEMENTS (default 500000, the events verify reads).
#
# Starts the Release build on a fresh data folder (Production, no seeds), creates an analyst, then alternates the
# chain off (its trigger disabled) and on, so drift in the machine falls on both sides:
#   record 1 client, record 8 clients         statements/s over HTTP (bench/Tracker.Benchmarks), off then on
#   import                                    BENCH_IMPORT_STATEMENTS statements, events/s, off then on
# The events written with the chain off are then deleted (they have no hash rows), the store grown by SQL to
# BENCH_VERIFY_STATEMENTS events with the chain on (the bulk append's rate is printed), and
#   tracker verify                            events/s, against a baseline: psql reading the same rows (the join
#                                             verify runs, data as text) into /dev/null
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
secs=${1:-30}
statements=${BENCH_IMPORT_STATEMENTS:-100000}
verify_statements=${BENCH_VERIFY_STATEMENTS:-500000}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
work=$(mktemp -d -t tracker-chain-bench-XXXX)
chmod 755 "$work"
home=$work/home
results=$work/results.jsonl
service=
cleanup() {
  if [ -n "$service" ] && kill -0 "$service" 2>/dev/null; then kill -TERM "$service"; wait "$service" 2>/dev/null || true; fi
  if [ -f "$home/pgdata/postmaster.pid" ]; then
    local owner; owner=$(stat -c %U "$home/pgdata")
    if [ "$owner" = "$(id -un)" ]; then "$pgbin/pg_ctl" stop -D "$home/pgdata" -m immediate >/dev/null 2>&1 || true
    else runuser -u "$owner" -- "$pgbin/pg_ctl" stop -D "$home/pgdata" -m immediate >/dev/null 2>&1 || true; fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "Building (Release)…" >&2
for project in src/Tracker bench/Tracker.Benchmarks; do
  dotnet build "$project" -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
done
dll=$repo/src/Tracker/bin/Release/net10.0/Tracker.dll
load=$repo/bench/Tracker.Benchmarks/bin/Release/net10.0/Tracker.Benchmarks.dll

unset TRACKER_DB ConnectionStrings__Tracker
export TRACKER_HOME=$home ASPNETCORE_ENVIRONMENT=Production Tracker__LoadSeeds=false \
  Tracker__RateLimit__PermitsPerMinute=1000000000 Tracker__Integrity__CheckpointMinutes=0
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
dotnet "$dll" --urls "$url" >"$work/service.log" 2>&1 &
service=$!
for _ in $(seq 600); do curl -sf "$url/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$url/health" >/dev/null || { echo "chain.sh: no healthy service" >&2; cat "$work/service.log" >&2; exit 1; }
token=$(dotnet "$dll" users add bench --role analyst 2>>"$work/cli.log" | grep -o '^trk_[^[:space:]]*')

with_pg() {
  PGHOST=127.0.0.1 PGPORT=$(sed -n 4p "$home/pgdata/postmaster.pid") PGUSER=tracker \
    PGPASSWORD=$(cat "$home/credentials") PGDATABASE=tracker "$@"
}
sql() { with_pg "$pgbin/psql" -XAtqc "$1"; }
chain() { sql "alter table tracker.mt_events ${1}able trigger event_chain_append"; }
settle() {
  for _ in $(seq 600); do
    [ "$(sql "select coalesce((select max(seq_id) from tracker.mt_events), 0)
      <= coalesce((select min(last_seq_id) from tracker.mt_event_progression where name not like 'HighWater%'), 0)")" = t ] && return
    sleep 0.5
  done
}
tag() { python3 -c 'import json,sys; d=json.loads(sys.stdin.readline()); print(json.dumps({"measure": sys.argv[1], **d}))' "$1"; }
record() { tee -a "$results"; }

python3 - "$work" "$statements" "$verify_statements" <<'PY'
import json, sys, uuid
work, n, v = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(f"{work}/agreements.jsonl", "w") as f:
    for a in range(1000):
        f.write(json.dumps({"type": "open-agreement", "agreementId": f"import-{a}", "title": f"Imported {a}", "parties": ["UKR", "FRA"]}) + "\n")
        f.write(json.dumps({"type": "add-commitment", "agreementId": f"import-{a}", "commitmentId": "joint-production",
                            "title": "Joint production", "category": "air-defence"}) + "\n")
def statements(name, count):
    with open(f"{work}/{name}.jsonl", "w") as f:
        for i in range(count):
            f.write(json.dumps({"type": "record-statement", "agreementId": f"import-{i * 1000 // count}",
                                "statementId": str(uuid.uuid4()), "saidOn": "2025-06-05", "speaker": {"name": "Rustem Umerov"},
                                "quote": f"{name} {i}", "language": "de", "source": {"outlet": "Example Outlet", "kind": "media-report"},
                                "assertions": [{"commitmentId": "joint-production", "stage": "under-examination"}]}, ensure_ascii=False) + "\n")
statements("off", n); statements("on", n)
PY
dotnet "$dll" import "$work/agreements.jsonl" >>"$work/cli.log" 2>&1

echo "Recording over HTTP, chain off and on, $secs s each…" >&2
for scenario in 1 8; do
  for state in dis en; do
    chain $state; settle
    dotnet "$load" --url "$url" --token "$token" --seconds "$secs" --scenarios "$scenario" | tag "http-chain-${state}abled" | record
  done
done

echo "Import of $statements statements, chain off and on…" >&2
for state in dis en; do
  chain $state; settle
  file=$([ $state = dis ] && echo off || echo on)
  start=$(date +%s.%N)
  dotnet "$dll" import "$work/$file.jsonl" >>"$work/cli.log" 2>&1
  end=$(date +%s.%N)
  python3 -c 'import json,sys; n,s,e,m=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]),sys.argv[4]; print(json.dumps({"measure": m, "events": n, "seconds": round(e-s,2), "events_per_s": round(n/(e-s),1)}))' \
    "$statements" "$start" "$end" "import-chain-${state}abled" | record
done

echo "Verify over a store of about $verify_statements statements…" >&2
chain en
sql "delete from tracker.mt_events e where not exists (select 1 from tracker.event_chain c where c.seq_id = e.seq_id)"
# Grown by SQL (an import of that size takes minutes): copies of a recorded statement on agreements of their own,
# appended in one transaction, so the trigger chains them all at its commit; that commit is timed too.
grow=$(( verify_statements - $(sql "select count(*) from tracker.mt_events") ))
if [ "$grow" -gt 0 ]; then
  start=$(date +%s.%N)
  sql "begin;
    insert into tracker.mt_streams (id, version) select 'verify-' || g, 100 from generate_series(0, $grow / 100) g;
    insert into tracker.mt_events (seq_id, id, stream_id, version, data, type, timestamp, user_name, correlation_id, mt_dotnet_type)
      select nextval('tracker.mt_events_sequence'), gen_random_uuid(), 'verify-' || (g / 100), g % 100 + 1, s.data, s.type, now(),
             s.user_name, s.correlation_id, s.mt_dotnet_type
      from generate_series(0, $grow - 1) g, (select * from tracker.mt_events where type = 'statement_recorded' limit 1) s;
    commit;"
  end=$(date +%s.%N)
  python3 -c 'import json,sys; n,s,e=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(json.dumps({"measure": "sql-append-chained", "events": n, "seconds": round(e-s,2), "events_per_s": round(n/(e-s))}))' \
    "$grow" "$start" "$end" | record
fi
sql "vacuum analyze tracker.mt_events"; sql "vacuum analyze tracker.event_chain"
# Warm both the same way: one untimed read of the rows.
read_rows="select c.position, c.seq_id, c.stream_id, c.version, c.hash, e.seq_id, e.stream_id, e.version, e.type, e.timestamp,
  e.user_name, e.correlation_id, e.causation_id, e.headers::text, e.data::text
  from tracker.event_chain c left join tracker.mt_events e on e.seq_id = c.seq_id order by c.position"
with_pg "$pgbin/psql" -XAtqc "$read_rows" >/dev/null
for _ in 1 2; do
  start=$(date +%s.%N)
  with_pg "$pgbin/psql" -XAtqc "$read_rows" >/dev/null
  end=$(date +%s.%N)
  events=$(sql "select count(*) from tracker.event_chain")
  python3 -c 'import json,sys; n,s,e=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(json.dumps({"measure": "psql-read", "events": n, "seconds": round(e-s,3), "events_per_s": round(n/(e-s))}))' \
    "$events" "$start" "$end" | record
  dotnet "$dll" verify --format json 2>>"$work/cli.log" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps({"measure": "verify", "intact": r["intact"], "events": r["verified"], "seconds": r["seconds"], "events_per_s": r["eventsPerSecond"]}))' | record
done

python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def one(measure, scenario=None):
    found = [r for r in rows if r["measure"] == measure and (scenario is None or r.get("scenario") == scenario)]
    return found[-1]
print()
print(f"{'chain on vs off':<28} {'unit':<10} {'on':>10} {'off':>10} {'ratio':>8}")
for scenario in ("record-1-client", "record-8-clients"):
    on, off = one("http-chain-enabled", scenario), one("http-chain-disabled", scenario)
    print(f"{scenario:<28} {'req/s':<10} {on['requests_per_s']:>10} {off['requests_per_s']:>10} {on['requests_per_s'] / off['requests_per_s']:>8.3f}")
    print(f"{scenario:<28} {'median ms':<10} {on['median_ms']:>10} {off['median_ms']:>10} {on['median_ms'] / off['median_ms']:>8.3f}")
on, off = one("import-chain-enabled"), one("import-chain-disabled")
print(f"{'import ' + str(on['events']):<28} {'events/s':<10} {on['events_per_s']:>10} {off['events_per_s']:>10} {on['events_per_s'] / off['events_per_s']:>8.3f}")
v, p = one("verify"), one("psql-read")
print(f"{'verify ' + str(v['events']):<28} {'events/s':<10} {v['events_per_s']:>10} {p['events_per_s']:>10} {v['events_per_s'] / p['events_per_s']:>8.3f}   (baseline: psql reading the same rows; intact {v['intact']})")
PY
