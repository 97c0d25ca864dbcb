#!/usr/bin/env bash
# Recording throughput of the product against raw PostgreSQL, both measured in this run on the same server.
#   bench/run.sh [seconds]      seconds per measurement (default 30); prints JSON lines, then a summary table
# Environment: BENCH_IMPORT_STATEMENTS (default 100000), BENCH_IMPORT_AGREEMENTS (default 1000); BENCH_STEPS, a
# comma-separated subset of baseline,record,import,registry,webhooks,review,sources,copy (default: all), e.g.
# BENCH_STEPS=baseline,record to compare recording with raw commits alone; the summary shows the rows measured.
#
# Starts the Release build on a fresh data folder (Production, no seeds), creates an analyst, then measures:
#   pg-baseline -c 1 and -c 8          commits/s of one small JSONB insert per transaction (the floor)
#   Tracker.Benchmarks 1, 8, 8:shared  statements recorded/s over HTTP: 1 client, 8 clients on 8 agreements,
#                                      8 clients on one agreement (lost races retried by the product)
#   tracker import                     BENCH_IMPORT_STATEMENTS statements in one JSON Lines file, events/s
#   Tracker.Benchmarks webhooks        1-client recording with 0 and 100 subscriptions (changes/s, ratio), and
#                                      change -> delivery latency p50/p95 (BENCH_WEBHOOK_SUBSCRIPTIONS)
#   Tracker.Benchmarks review          1-client recording where review is required vs not (ratio)
#   pg-baseline -n N                   COPY of as many JSONB rows, rows/s
# The baseline script lives beside the repository (../shared/bench/pg-baseline), as in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
secs=${1:-30}
statements=${BENCH_IMPORT_STATEMENTS:-100000}
import_agreements=${BENCH_IMPORT_AGREEMENTS:-1000}
baseline="$repo/../shared/bench/pg-baseline"
[ -x "$baseline" ] || { echo "run.sh: $baseline not found (the shared folder belongs beside the repository)" >&2; exit 1; }
began=$(date +%s)
steps=${BENCH_STEPS:-baseline,record,import,registry,webhooks,review,sources,copy}
want() { [[ ",$steps," == *",$1,"* ]]; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1) # as pg-baseline finds it

work=$(mktemp -d -t tracker-bench-XXXX) # under $TMPDIR: put it on the disk you mean to measure
chmod 755 "$work" # as root the cluster runs as 'postgres', which must reach the data folder inside
home=$work/home
results=$work/results.jsonl
service=
finished=
cleanup() {
  local status=$?
  # A step failed: what the service said is usually why.
  if [ "$status" != 0 ] && [ -z "$finished" ] && [ -f "$work/service.log" ]; then
    echo "run.sh: failed; the service's last words:" >&2
    tail -n 30 "$work/service.log" >&2
  fi
  if [ -n "$service" ] && kill -0 "$service" 2>/dev/null; then
    kill -TERM "$service"
    wait "$service" 2>/dev/null || true
  fi
  # The service stops its cluster on the way out; if it died instead, stop the server before deleting its files.
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

# The product's own embedded cluster, never a configured server; its default rate limit (3000 requests a minute
# per user) would cap a load test at 50 requests/s, so it is lifted.
unset TRACKER_DB ConnectionStrings__Tracker
# The webhook step's receiver is in the load generator, on loopback: a target the product refuses by default; its
# subscriptions are all one user's, so the per-user cap is raised to them when they are more than its default.
# Capture is on (the product's default), for the sources step's page server on loopback only: every other step's
# statements cite https://example.org, refused by the port allow-list before any name is looked up (nothing leaves
# the machine), so they cost a refusal capture each in the background, as an offline installation with capture on would.
page_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export TRACKER_HOME=$home ASPNETCORE_ENVIRONMENT=Production Tracker__LoadSeeds=false \
  Tracker__RateLimit__PermitsPerMinute=1000000000 Tracker__Webhooks__AllowPrivateTargets=true \
  Tracker__Webhooks__MaxPerUser=$(( ${BENCH_WEBHOOK_SUBSCRIPTIONS:-100} > 100 ? ${BENCH_WEBHOOK_SUBSCRIPTIONS:-100} : 100 )) \
  Tracker__Sources__AllowPrivateTargets=true Tracker__Sources__AllowedPorts__0=$page_port
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port

echo "Starting Tracker on $url (data in $home)…" >&2
dotnet "$dll" --urls "$url" >"$work/service.log" 2>&1 &
service=$!
for _ in $(seq 600); do
  curl -sf "$url/health" >/dev/null 2>&1 && break
  kill -0 "$service" 2>/dev/null || { cat "$work/service.log" >&2; exit 1; }
  sleep 0.1
done
curl -sf "$url/health" >/dev/null || { echo "run.sh: no healthy service after 60 s" >&2; cat "$work/service.log" >&2; exit 1; }

token=$(dotnet "$dll" users add bench --role analyst 2>>"$work/cli.log" | grep -o '^trk_[^[:space:]]*') \
  || { echo "run.sh: users add gave no token" >&2; cat "$work/cli.log" >&2; exit 1; }

# The very server the product uses: loopback, superuser 'tracker', password in credentials, port in postmaster.pid.
with_pg() {
  PGHOST=127.0.0.1 PGPORT=$(sed -n 4p "$home/pgdata/postmaster.pid") PGUSER=tracker \
    PGPASSWORD=$(cat "$home/credentials") PGDATABASE=tracker "$@"
}

# The audit trail is projected in the background; let it catch up so no measurement pays for the one before it.
settle() {
  local caught_up
  for _ in $(seq 600); do
    caught_up=$(with_pg "$pgbin/psql" -XAtqc "select coalesce((select max(seq_id) from tracker.mt_events), 0)
      <= coalesce((select min(last_seq_id) from tracker.mt_event_progression where name not like 'HighWater%'), 0)")
    [ "$caught_up" = t ] && return
    sleep 0.5
  done
  echo "run.sh: the audit projection did not catch up within 5 minutes; measuring anyway" >&2
  with_pg "$pgbin/psql" -XAtqc "select name, last_seq_id from tracker.mt_event_progression" >&2
}

record() { tee -a "$results"; } # each result is printed as it comes and kept for the summary
tag() { # $1 = what was measured, added to the JSON line on stdin
  python3 -c 'import json,sys; d=json.loads(sys.stdin.readline()); print(json.dumps({"measure": sys.argv[1], **d}))' "$1"
}

errors=0
if want baseline; then
echo "Raw PostgreSQL: 1 and 8 clients, $secs s each…" >&2
with_pg "$baseline" -c 1 -t "$secs" -n 1000 | tag pg-commit-1 | record
with_pg "$baseline" -c 8 -t "$secs" -n 1000 | tag pg-commit-8 | record
fi

if want record; then
echo "Tracker over HTTP: 1 client, 8 clients, 8 clients on one agreement, $secs s each…" >&2
for scenario in 1 8 8:shared; do
  settle
  dotnet "$load" --url "$url" --token "$token" --seconds "$secs" --scenarios "$scenario" | tag http | record \
    || errors=1
done
fi

if want import; then
echo "Import: $statements statements on $import_agreements agreements…" >&2
# Agreements and their commitment come in a file of their own, imported first and not timed, so the timed
# import appends exactly one event per statement, as the COPY below writes one row per statement.
python3 - "$work" "$statements" "$import_agreements" <<'PY'
import json, sys, uuid
work, n, agreements = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(f"{work}/agreements.jsonl", "w") as f:
    for a in range(agreements):
        f.write(json.dumps({"type": "open-agreement", "agreementId": f"import-{a}", "title": f"Imported agreement {a}",
                            "parties": ["UKR", "FRA"]}) + "\n")
        f.write(json.dumps({"type": "add-commitment", "agreementId": f"import-{a}", "commitmentId": "joint-production",
                            "title": "Joint production", "category": "air-defence"}) + "\n")
# pg-baseline's COPY row (quote, stage, saidOn, 1000 streams), plus what a statement needs to be valid. Grouped by
# agreement, as an import file usually is.
# The same again interleaved (each line on the next agreement): the import's cost must not depend on line order.
for name, agreement_of in [("statements", lambda i: i * agreements // n), ("interleaved", lambda i: i % agreements)]:
    with open(f"{work}/{name}.jsonl", "w") as f:
        for i in range(n):
            f.write(json.dumps({"type": "record-statement", "agreementId": f"import-{agreement_of(i)}",
                                "statementId": str(uuid.uuid4()), "saidOn": "2025-06-05",
                                "speaker": {"name": "Rustem Umerov"}, "quote": f"{name} {i}", "language": "de",
                                "source": {"outlet": "Example Outlet", "kind": "media-report"},
                                "assertions": [{"commitmentId": "joint-production", "stage": "under-examination"}]},
                               ensure_ascii=False) + "\n")
PY
dotnet "$dll" import "$work/agreements.jsonl" >>"$work/cli.log" 2>&1 || { cat "$work/cli.log" >&2; exit 1; }
timed_import() { # $1 = file stem, $2 = measure name; peak memory from /proc via GNU time when it is there
  settle
  local start end summary rss=""
  start=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    summary=$(/usr/bin/time -f "%M" -o "$work/rss" dotnet "$dll" import "$work/$1.jsonl" 2>>"$work/cli.log") || { cat "$work/cli.log" >&2; exit 1; }
    rss=$(tail -1 "$work/rss")
  else
    summary=$(dotnet "$dll" import "$work/$1.jsonl" 2>>"$work/cli.log") || { cat "$work/cli.log" >&2; exit 1; }
  fi
  end=$(date +%s.%N)
  # "100,000 lines: appended 100,000 events, 0 already present (41.2 s)." — the events, and the import's own time.
  python3 - "$summary" "$start" "$end" "$2" "$rss" <<'PY' | record
import json, re, sys
summary, start, end, measure, rss = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
m = re.search(r"appended ([\d,]+) events.*\(([\d.]+) s\)", summary)
events, inside = int(m.group(1).replace(",", "")), float(m.group(2))
print(json.dumps({"measure": measure, "events": events, "seconds": round(end - start, 2),
                  "events_per_s": round(events / (end - start), 1), "in_process_seconds": inside,
                  "in_process_events_per_s": round(events / inside, 1) if inside else None,
                  "peak_rss_mib": round(int(rss) / 1024) if rss else None}))
PY
}
timed_import statements import
timed_import interleaved import-interleaved
fi

# The registry at the field's size: its import, its searches, and recording again with it in place (1 client),
# compared with the first 1-client run above.
if want registry; then
registry_actors=${BENCH_REGISTRY_ACTORS:-10000}
registry_people=${BENCH_REGISTRY_PEOPLE:-50000}
echo "Registry: $registry_actors actors and $registry_people people, then its searches and recording again…" >&2
dotnet "$load" registry-file --out "$work/registry.jsonl" --actors "$registry_actors" --people "$registry_people"
timed_import registry registry-import
dotnet "$load" registry-reads --url "$url" --token "$token" --actors "$registry_actors" --people "$registry_people" | record \
  || errors=1
settle
dotnet "$load" --url "$url" --token "$token" --seconds "$secs" --scenarios 1 \
  | python3 -c 'import json,sys; d=json.loads(sys.stdin.readline()); d["scenario"]="record-1-client-with-registry"; print(json.dumps({"measure": "http", **d}))' \
  | record || errors=1
fi
# Webhooks: 1-client recording with no subscription and with BENCH_WEBHOOK_SUBSCRIPTIONS that all match (every
# write changes a status, so each is that many deliveries), and change -> delivery latency, loaded and paced.
if want webhooks; then
webhook_subscriptions=${BENCH_WEBHOOK_SUBSCRIPTIONS:-100}
echo "Webhooks: recording with none and with $webhook_subscriptions subscriptions, $secs s each, and delivery latency…" >&2
settle
dotnet "$load" webhooks --url "$url" --token "$token" --seconds "$secs" --subscriptions "$webhook_subscriptions" | record \
  || errors=1
fi
# Four-eyes review: 1-client recording on an agreement that requires review (proposals) against one that does not.
if want review; then
echo "Review: recording with and without review required, $secs s each…" >&2
settle
dotnet "$load" review --url "$url" --token "$token" --seconds "$secs" | record || errors=1
fi
# Sources: 1-client recording without a source URL and with one captured from a loopback page (ratio), and how long
# the captures take to catch up; then what the captures cost in the database against their deduplicated bytes and text.
if want sources; then
echo "Sources: recording without and with captured sources, $secs s each…" >&2
settle
dotnet "$load" sources --url "$url" --token "$token" --seconds "$secs" --page-port "$page_port" | record || errors=1
with_pg "$pgbin/psql" -XAtqc "select json_build_object('measure', 'sources-storage', 'captures', (select count(*) from tracker.source_captures),
    'blobs', (select count(*) from tracker.source_blobs),
    'bytes_plus_text', (select coalesce(sum(length + coalesce(octet_length(text), 0)), 0) from tracker.source_blobs),
    'blobs_on_disk', pg_total_relation_size('tracker.source_blobs'),
    'captures_on_disk', pg_total_relation_size('tracker.source_captures') + pg_total_relation_size('tracker.capture_jobs'))" | record
fi
if want copy; then
settle
# Only its COPY figure is used; pgbench's part is kept to a second.
with_pg "$baseline" -c 1 -t 1 -n "$statements" | tag pg-copy | record
fi

finished=1
python3 - "$results" "$(( $(date +%s) - began ))" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
by = {r.get("scenario", r["measure"]): r for r in rows}
def line(name, unit, product, baseline, note=""):
    ratio = f"{product / baseline:.3f}" if product is not None and baseline else "-"
    print(f"{name:<32} {unit:<10} {product if product is not None else '-':>10} {baseline:>10} {ratio:>8}   {note}")
print()
print(f"{'product vs raw PostgreSQL':<32} {'unit':<10} {'product':>10} {'baseline':>10} {'ratio':>8}   notes")
for scenario, pg in [("record-1-client", "pg-commit-1"), ("record-8-clients", "pg-commit-8"),
                     ("record-8-clients-one-agreement", "pg-commit-8")]:
    if scenario not in by or pg not in by: continue
    p, b = by[scenario], by[pg]
    line(scenario, "req/s", p["requests_per_s"], b["commit_tps"],
         f"errors {p['errors']}, {p['statements_per_agreement']} statements per agreement at the end")
    line(scenario, "median ms", p["median_ms"], b["commit_latency_ms"], f"p95 {p['p95_ms']}, p99 {p['p99_ms']}")
if "record-1-client-with-registry" in by and "record-1-client" in by:
  w, b = by["record-1-client-with-registry"], by["record-1-client"]
  line("record, 1 client, registry full", "req/s", w["requests_per_s"], b["requests_per_s"],
     "against the same run's 1-client figure before the registry was imported (ratio 1.0 = no slower)")
if "webhooks" in by:
  h = by["webhooks"]
  line(f"record, 1 client, {h['subscriptions']} webhooks", "changes/s", h["record_per_s_with"], h["record_per_s_without"],
     f"against the same run without subscriptions (target ratio >= 0.8); {h['deliveries_received']}/{h['deliveries_expected']} delivered, "
     f"{h['duplicates']} duplicates, the last {h['drain_s_after_load']} s after the load")
  print(f"{'webhook latency, loaded':<32} {'p50/p95 ms':<10} {h['loaded_p50_ms']:>10} {h['loaded_p95_ms']:>10}   change -> POST arrival, under the closed loop")
  print(f"{'webhook latency, 2 changes/s':<32} {'p50/p95 ms':<10} {h['paced_p50_ms']:>10} {h['paced_p95_ms']:>10}   max {h['paced_max_ms']} ms; target p95 < 2000")
if "sources" in by:
  s = by["sources"]
  line("record, 1 client, captured", "req/s", s["record_per_s_with_capture"], s["record_per_s_without_capture"],
     f"with a source captured per statement against none (target ratio >= 0.9); captures caught up {s['captures_caught_up_s_after_load']} s after the load")
  st = by["sources-storage"]
  line(f"storage, {st['captures']} captures", "bytes", st["blobs_on_disk"] + st["captures_on_disk"], st["bytes_plus_text"],
     f"on disk (blobs + capture rows) against the {st['blobs']} distinct blobs' bytes plus text; PostgreSQL compresses both")
if "review" in by:
  r = by["review"]
  line("record, 1 client, review", "req/s", r["record_per_s_with"], r["record_per_s_without"],
     f"proposals (202) against plain records in the same run (target ratio >= 1.0); median {r['median_ms_with']} vs {r['median_ms_without']} ms")
for r in rows:
    if r["measure"] == "registry-search":
        print(f"{'registry: ' + r['probe']:<32} {'p95 ms':<10} {r['p95_ms']:>10} {50:>10} {r['p95_ms'] / 50:>8.3f}   p50 {r['p50_ms']} ms; baseline = the 50 ms target")
for measure, label in [("import", "grouped"), ("import-interleaved", "interleaved"), ("registry-import", "registry lines")]:
    if measure not in by or "pg-copy" not in by: continue
    i = by[measure]
    line(f"import {i['events']} {label}", "events/s", i["events_per_s"], by["pg-copy"]["copy_rows_per_s"],
         f"{i['seconds']} s; {i['in_process_events_per_s']}/s without the process's start; peak {i['peak_rss_mib']} MiB")
print("Ratio = product / baseline. Baseline latency is pgbench's average, the product's the median.")
print(f"Whole run: {sys.argv[2]} s.")
PY
[ "$errors" = 0 ] || echo "Some requests failed (see errors above): exit status 1." >&2
exit "$errors"
