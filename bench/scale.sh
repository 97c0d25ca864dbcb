#!/usr/bin/env bash
# The read side at scale: a realistic store of about a million events, imported in four files, then read latencies,
# a full CSV export and a projection rebuild.
#   bench/scale.sh              prints JSON lines as it goes, then a summary table
# Environment (defaults in brackets):
#   SCALE_EVENTS [1000000]      events (= import lines) to generate: agreements = events/100, commitments about events/10
#   SCALE_WIDE_PARTIES [200]    parties of each wide agreement (one in 200 agreements); the product may limit parties
#   SCALE_SEED [42]             the generator's seed: the same seed and size give the same files
#   SCALE_REQUESTS [200]        timed requests per read probe (after SCALE_WARMUP [3] untimed ones)
#   SCALE_READ_BUDGET [30]      seconds per probe at most: a probe stops early, with fewer requests, once spent
#                               (a whole-store read that takes seconds gets fewer than SCALE_REQUESTS; the table says so)
#   SCALE_CLIENTS [4]           clients for the concurrent run of the main probes (0 or 1: none)
#   SCALE_CSV_RUNS [3]          full status exports as CSV, then as many as xlsx, evidence CSV, and status CSV known at
#   SCALE_EXPORTS_ONLY [0]      1: the full exports and pg-baseline's COPY alone (no latency probes, no rebuild)
#   SCALE_SETTLE_TIMEOUT [1800] seconds to wait for the audit projection to catch up before each step
#   SCALE_KEEP [0]              1: keep the work folder (import files, logs, results) instead of deleting it
#   SCALE_SKIP_BUILD [0]        1: use the Release builds already there
# `SCALE_EVENTS=20000 SCALE_WIDE_PARTIES=40 bench/scale.sh` takes a few minutes when reads are fast (each probe
# takes at most SCALE_READ_BUDGET seconds, and there are 31 probes: SCALE_READ_BUDGET=5 for a quick look).
#
# Starts the Release build on a fresh data folder under $TMPDIR (Production, no seeds, rate limit lifted) with its
# own embedded PostgreSQL, creates an analyst, then:
#   generate   Tracker.Benchmarks generate: 1-base (agreements, commitments, first statements), 2-statements,
#              3-backdated, 4-followups (corrections, retractions); see bench/Tracker.Benchmarks/Generator.cs
#   import     each file with `tracker import`, one after the other, the audit projection caught up before each;
#              events/s per file; the instant between imports 2 and 3 is the knownAt of the reads
#   reads      Tracker.Benchmarks reads: full status exports first, CSV then xlsx (rows/s; the service's VmRSS sampled
#              every 50 ms, its VmHWM reset just before each format), then p50/p95/p99 of status report pages (now, asOf, knownAt,
#              both; filters), agreement lists, one agreement, one history, the changes report; again with 4 clients
#   copy       ../shared/bench/pg-baseline -n ROWS on the same server (ROWS = the CSV's records): COPY rows/s, the
#              floor the CSV exports (written by PostgreSQL with COPY … TO STDOUT) are given as ratios of it
#   portfolio  the service serving, `tracker portfolio rebuild` timed (blue/green): events/s, peak RSS
#   rebuild    the service stopped, `tracker projections rebuild` timed: events/s
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
events=${SCALE_EVENTS:-1000000}
wide_parties=${SCALE_WIDE_PARTIES:-200}
seed=${SCALE_SEED:-42}
requests=${SCALE_REQUESTS:-200}
warmup=${SCALE_WARMUP:-3}
budget=${SCALE_READ_BUDGET:-30}
clients=${SCALE_CLIENTS:-4}
csv_runs=${SCALE_CSV_RUNS:-3}
settle_timeout=${SCALE_SETTLE_TIMEOUT:-1800}
began=$(date +%s)
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

work=$(mktemp -d -t tracker-scale-XXXX) # under $TMPDIR: put it on the disk you mean to measure
chmod 755 "$work" # as root the cluster runs as 'postgres', which must reach the data folder inside
home=$work/home
data=$work/data
results=$work/results.jsonl
service=
finished=
cleanup() {
  local status=$?
  if [ "$status" != 0 ] && [ -z "$finished" ] && [ -f "$work/service.log" ]; then
    echo "scale.sh: failed; the service's last words:" >&2
    tail -n 30 "$work/service.log" >&2
  fi
  if [ -n "$service" ] && kill -0 "$service" 2>/dev/null; then
    kill -TERM "$service"
    wait "$service" 2>/dev/null || true
  fi
  # The service (or the rebuild) stops its cluster on the way out; if it died instead, stop the server first.
  if [ -f "$home/pgdata/postmaster.pid" ]; then
    local owner; owner=$(stat -c %U "$home/pgdata")
    if [ "$owner" = "$(id -un)" ]; then "$pgbin/pg_ctl" stop -D "$home/pgdata" -m immediate >/dev/null 2>&1 || true
    else runuser -u "$owner" -- "$pgbin/pg_ctl" stop -D "$home/pgdata" -m immediate >/dev/null 2>&1 || true; fi
  fi
  if [ "${SCALE_KEEP:-0}" = 1 ]; then echo "scale.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "${SCALE_SKIP_BUILD:-0}" != 1 ]; then
  echo "Building (Release)…" >&2
  for project in src/Tracker bench/Tracker.Benchmarks; do
    dotnet build "$project" -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  done
fi
dll=$repo/src/Tracker/bin/Release/net10.0/Tracker.dll
bench=$repo/bench/Tracker.Benchmarks/bin/Release/net10.0/Tracker.Benchmarks.dll

record() { tee -a "$results"; } # each result is printed as it comes and kept for the summary
now_instant() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }

echo "Generating about $events events (seed $seed, wide agreements of $wide_parties parties)…" >&2
dotnet "$bench" generate --out "$data" --events "$events" --seed "$seed" --wide-parties "$wide_parties" | record

# The product's own embedded cluster, never a configured server; the rate limit is lifted (see run.sh).
unset TRACKER_DB ConnectionStrings__Tracker
export TRACKER_HOME=$home ASPNETCORE_ENVIRONMENT=Production Tracker__LoadSeeds=false \
  Tracker__RateLimit__PermitsPerMinute=1000000000
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
curl -sf "$url/health" >/dev/null || { echo "scale.sh: no healthy service after 60 s" >&2; cat "$work/service.log" >&2; exit 1; }

token=$(dotnet "$dll" users add bench --role analyst 2>>"$work/cli.log" | grep -o '^trk_[^[:space:]]*') \
  || { echo "scale.sh: users add gave no token" >&2; cat "$work/cli.log" >&2; exit 1; }

# The very server the product uses: loopback, superuser 'tracker', password in credentials, port in postmaster.pid.
with_pg() {
  PGHOST=127.0.0.1 PGPORT=$(sed -n 4p "$home/pgdata/postmaster.pid") PGUSER=tracker \
    PGPASSWORD=$(cat "$home/credentials") PGDATABASE=tracker "$@"
}
sql() { with_pg "$pgbin/psql" -XAtqc "$1"; }

# The audit trail is projected in the background; let it catch up so no measurement pays for the one before it.
# $1 = what it waited for; prints a JSON line with how long the catch-up took.
settle() {
  local start caught_up="" waited
  start=$(date +%s.%N)
  for _ in $(seq $(( settle_timeout * 2 ))); do
    caught_up=$(sql "select coalesce((select max(seq_id) from tracker.mt_events), 0)
      <= coalesce((select min(last_seq_id) from tracker.mt_event_progression where name not like 'HighWater%'), 0)")
    [ "$caught_up" = t ] && break
    sleep 0.5
  done
  waited=$(python3 -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 1))' "$start" "$(date +%s.%N)")
  if [ "$caught_up" != t ]; then
    echo "scale.sh: the audit projection did not catch up within $settle_timeout s; going on" >&2
    sql "select name, last_seq_id from tracker.mt_event_progression" >&2
  fi
  echo "{\"measure\": \"audit-catch-up\", \"before\": \"$1\", \"seconds\": $waited, \"caught_up\": $([ "$caught_up" = t ] && echo true || echo false)}"
}

timed_import() { # $1 = file name; peak memory of the import process via GNU time when it is there
  local start end summary rss=""
  start=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    summary=$(/usr/bin/time -f "%M" -o "$work/rss" dotnet "$dll" import "$data/$1" 2>>"$work/cli.log") \
      || { tail -n 40 "$work/cli.log" >&2; exit 1; }
    rss=$(tail -1 "$work/rss")
  else
    summary=$(dotnet "$dll" import "$data/$1" 2>>"$work/cli.log") || { tail -n 40 "$work/cli.log" >&2; exit 1; }
  fi
  end=$(date +%s.%N)
  # "100,000 lines: appended 100,000 events, 0 already present (41.2 s)."
  python3 - "$summary" "$start" "$end" "$1" "$rss" "$(sql 'select count(*) from tracker.mt_events')" <<'PY'
import datetime, json, re, sys
summary, start, end, name, rss, total = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
m = re.search(r"([\d,]+) lines: appended ([\d,]+) events, ([\d,]+) already present \(([\d.]+) s\)", summary)
lines, events, present = (int(m.group(i).replace(",", "")) for i in (1, 2, 3))
inside = float(m.group(4))
print(json.dumps({"measure": "import", "file": name, "lines": lines, "events": events, "already_present": present,
                  "seconds": round(end - start, 2), "events_per_s": round(events / (end - start), 1),
                  "in_process_seconds": inside, "in_process_events_per_s": round(events / inside, 1) if inside else None,
                  "peak_rss_mib": round(int(rss) / 1024) if rss else None, "store_events_after": total,
                  "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat()}))
PY
}

echo "Importing four files…" >&2
known_at=
for file in 1-base.jsonl 2-statements.jsonl 3-backdated.jsonl 4-followups.jsonl; do
  settle "$file" | record
  echo "  $file…" >&2
  timed_import "$file" | record
  if [ "$file" = 2-statements.jsonl ]; then
    # An instant strictly between the commits of import 2 and the start of import 3 (a second clear of both).
    sleep 1; known_at=$(now_instant); sleep 1
    echo "{\"measure\": \"known-at\", \"instant\": \"$known_at\"}" | record
  fi
done
settle reads | record
store_events=$(sql 'select count(*) from tracker.mt_events')
python3 -c 'import json,sys; print(json.dumps({"measure": "store", "events": int(sys.argv[1]), "streams": int(sys.argv[2]),
  "database_mib": round(int(sys.argv[3]) / 2**20)}))' \
  "$store_events" "$(sql 'select count(*) from tracker.mt_streams')" "$(sql "select pg_database_size('tracker')")" | record

echo "Reads: $csv_runs CSV and $csv_runs xlsx exports; $requests requests per probe, at most $budget s each; $clients concurrent clients after…" >&2
errors=0
dotnet "$bench" reads --url "$url" --token "$token" --manifest "$data/manifest.json" --known-at "$known_at" \
  --pid "$service" --requests "$requests" --warmup "$warmup" --budget "$budget" --clients "$clients" \
  --csv-runs "$csv_runs" --exports-only "${SCALE_EXPORTS_ONLY:-0}" | record || errors=1

baseline=$repo/../shared/bench/pg-baseline
if [ -x "$baseline" ]; then
  copy_rows=$(python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]; print(max([x["rows"] for x in r if x["measure"]=="csv-export"] + [10000]))' "$results")
  echo "pg-baseline: COPY of $copy_rows rows on the same server…" >&2
  with_pg "$baseline" -c 1 -t 1 -n "$copy_rows" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d["measure"]="pg-copy"; print(json.dumps(d))' | record
fi
if [ "${SCALE_EXPORTS_ONLY:-0}" = 1 ]; then
  kill -TERM "$service"; wait "$service" 2>/dev/null || true; service=
else

echo "Rebuilding the portfolio while the service serves (portfolio rebuild)…" >&2
portfolio_start=$(date +%s.%N)
portfolio_status=0
/usr/bin/time -f "%M" -o "$work/portfolio.rss" dotnet "$dll" portfolio rebuild >"$work/portfolio.log" 2>&1 || portfolio_status=$?
portfolio_end=$(date +%s.%N)
[ "$portfolio_status" = 0 ] || { echo "scale.sh: 'portfolio rebuild' exited $portfolio_status:" >&2; tail -n 20 "$work/portfolio.log" >&2; }
python3 -c 'import json,os,sys; e,st,s,r=int(sys.argv[1]),int(sys.argv[2]),float(sys.argv[4])-float(sys.argv[3]),sys.argv[5]; print(json.dumps({"measure":"portfolio-rebuild","exit_status":st,"events":e,"seconds":round(s,2),"events_per_s":round(e/s) if st==0 else None,"peak_rss_mib":round(int(open(r).read().split()[-1])/1024) if st==0 and os.path.exists(r) else None}))' \
  "$store_events" "$portfolio_status" "$portfolio_start" "$portfolio_end" "$work/portfolio.rss" | record

echo "Stopping the service; rebuilding projections…" >&2
kill -TERM "$service"
wait "$service" 2>/dev/null || true
service=
rebuild_start=$(date +%s.%N)
rebuild_status=0
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "%M" -o "$work/rebuild.rss" dotnet "$dll" projections rebuild >"$work/rebuild.log" 2>&1 || rebuild_status=$?
else
  dotnet "$dll" projections rebuild >"$work/rebuild.log" 2>&1 || rebuild_status=$?
fi
rebuild_end=$(date +%s.%N)
if [ "$rebuild_status" != 0 ]; then
  echo "scale.sh: 'projections rebuild' exited $rebuild_status; its output:" >&2
  cat "$work/rebuild.log" >&2
fi
python3 - "$store_events" "$rebuild_start" "$rebuild_end" "$rebuild_status" "$work/rebuild.log" "$work/rebuild.rss" <<'PY' | record
import json, os, re, sys
events, start, end, status, log, rss = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
text = open(log, errors="replace").read()
# The lines that say what it rebuilt (names, "complete", errors), without colour codes.
text = re.sub(r"\x1b\[[0-9;]*m|\[/?[a-z]*\]", "", text) # colour codes and Spectre markup
said = [l.strip() for l in text.splitlines() if re.search(r"rebuil|projection|complete|error|fail|exception", l, re.I)][:12]
seconds = end - start
inside = re.search(r"Finished rebuild in (\d+) ms", text)
inside = int(inside.group(1)) / 1000 if inside else None
print(json.dumps({"measure": "projections-rebuild", "exit_status": status, "events": events, "seconds": round(seconds, 2),
                  "events_per_s": round(events / seconds, 1) if status == 0 and seconds > 0 else None,
                  "in_process_seconds": inside, "in_process_events_per_s": round(events / inside, 1) if inside else None,
                  "peak_rss_mib": round(int(open(rss).read().split()[-1]) / 1024) if os.path.exists(rss) and status == 0 else None,
                  "output": said}))
PY
fi

finished=1
machine_cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
machine_mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
python3 - "$results" "$(( $(date +%s) - began ))" "$started_at" "$(nproc)" "$machine_mem" "$machine_cpu" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
elapsed, started, cores, mem, cpu = sys.argv[2:7]
def first(measure): return next((r for r in rows if r["measure"] == measure), None)
def f(v, digits=1):
    if v is None: return "-"
    if isinstance(v, (int, float)) and abs(v) >= 1000: return f"{v:,.0f}"
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)
print()
print(f"Machine: {cores} cores, {mem}, {cpu}; started {started}, {elapsed} s in all.")
g = first("generate")
if g:
    print(f"Store: {g['events']:,} events generated: {g['agreements']:,} agreements ({g['wide_agreements']} of {g['wide_parties']} parties), "
          f"{g['commitments']:,} commitments, {g['statements']:,} statements ({g['two_commitment_statements']:,} asserting two, "
          f"{g['backdated']:,} backdated), {g['corrections']:,} corrections, {g['retractions']:,} retractions.")
s = first("store")
if s: print(f"Stored: {s['events']:,} events in {s['streams']:,} streams, database {s['database_mib']:,} MiB.")
print()
print(f"{'import':<22} {'lines':>9} {'events':>9} {'seconds':>8} {'events/s':>9} {'in-proc/s':>9} {'peak MiB':>8}   audit caught up before it")
settles = {r["before"]: r for r in rows if r["measure"] == "audit-catch-up"}
for r in (r for r in rows if r["measure"] == "import"):
    a = settles.get(r["file"])
    print(f"{r['file']:<22} {r['lines']:>9,} {r['events']:>9,} {r['seconds']:>8.1f} {r['events_per_s']:>9,.0f} "
          f"{r['in_process_events_per_s'] or 0:>9,.0f} {f(r['peak_rss_mib']):>8}   {a['seconds'] if a else '-'} s")
if "reads" in settles: print(f"{'(audit caught up before the reads)':<58} {settles['reads']['seconds']} s")
k = first("known-at")
if k: print(f"knownAt of the reads: {k['instant']} (between imports 2 and 3)")

reads = [r for r in rows if r["measure"] in ("status", "agreements", "agreement", "history", "changes")]
print()
print(f"{'read':<12} {'clock':<13} {'filter':<26} {'cl':>2} {'n':>4} {'err':>4} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} "
      f"{'rows':>5} {'total':>7} {'KiB':>8} {'p95/now':>7}")
now_p95 = {(r["measure"], r["filter"], r["clients"]): r["p95_ms"] for r in reads if r["clock"] == "now"}
for r in reads:
    base = now_p95.get((r["measure"], r["filter"], r["clients"]))
    ratio = f"{r['p95_ms'] / base:.2f}" if r["clock"] != "now" and base and r["p95_ms"] is not None else ""
    flag = " FAILED" if r["errors"] else (" (budget)" if r["budget_spent"] else "")
    print(f"{r['measure']:<12} {r['clock']:<13} {r['filter'][:26]:<26} {r['clients']:>2} {r['requests']:>4} {r['errors']:>4} "
          f"{f(r['p50_ms'], 2):>9} {f(r['p95_ms'], 2):>9} {f(r['p99_ms'], 2):>9} {f(r['rows_returned']):>5} {f(r['total']):>7} "
          f"{r['mean_bytes'] / 1024:>8.1f} {ratio:>7}{flag}")
print("n = timed requests (after warm-up); rows = rows/items in the first answer; total = its 'total', if any;")
print("KiB = mean answer size; p95/now = this clock's p95 over the 'now' p95 of the same read and filter.")

c = first("csv-export")
if c:
    print()
    if c["errors"]: print(f"CSV export FAILED: {c['first_error']}")
    else:
        print(f"CSV status export: {c['rows']:,} rows, {c['bytes'] / 2**20:.1f} MiB in {c['seconds']} s (median of {c['requests']}; "
              f"first byte {c['first_byte_ms']} ms): {c['rows_per_s']:,.0f} rows/s.")
        print(f"Service memory: VmRSS {c['rss_before_mib']} MiB before, peak {c['peak_rss_mib']} MiB sampled during the exports, "
              f"VmHWM {c['vmhwm_mib']} MiB{' (peak since just before the exports)' if c['vmhwm_reset_before'] else ' (peak since the service started)'}.")
p = first("pg-copy")
if p:
    print(f"pg-baseline COPY on the same server, same run: {p['copy_rows_per_s']:,.0f} rows/s ({p['copy_rows']:,} rows).")
    for r in (r for r in rows if r["measure"] in ("csv-export", "evidence-export") and not r["errors"]):
        print(f"  {r['measure']} ({r['clock']}): {r['rows']:,} records in {r['seconds']} s = {r['rows_per_s']:,.0f} records/s, "
              f"{r['rows_per_s'] / p['copy_rows_per_s']:.2f} of COPY; service peak VmRSS {r['peak_rss_mib']} MiB")
x = first("xlsx-export")
if x:
    if x["errors"]: print(f"xlsx export FAILED: {x['first_error']}")
    else:
        print(f"xlsx status export (the same rows, in the same run): {x['bytes'] / 2**20:.1f} MiB in {x['seconds']} s "
              f"(first byte {x['first_byte_ms']} ms): {x['rows_per_s']:,.0f} rows/s, {x['seconds_over_csv']}× the CSV's time; "
              f"peak VmRSS {x['peak_rss_mib']} MiB, VmHWM {x['vmhwm_mib']} MiB.")
pr = first("portfolio-rebuild")
if pr:
    print(f"portfolio rebuild (serving): {pr['events']:,} events in {pr['seconds']} s, process start included: "
          f"{pr['events_per_s'] or 0:,} events/s; peak {pr['peak_rss_mib']} MiB" + ("" if not pr["exit_status"] else f" FAILED (exit {pr['exit_status']})"))
b = first("projections-rebuild")
if b:
    print()
    if b["exit_status"]: print(f"projections rebuild FAILED (exit {b['exit_status']}) after {b['seconds']} s: " + " | ".join(b["output"][-4:]))
    else:
        print(f"projections rebuild: {b['events']:,} events in {b['seconds']} s, process start included: {b['events_per_s']:,.0f} events/s; "
              f"the rebuild itself {b['in_process_seconds']} s: {f(b['in_process_events_per_s'])} events/s; peak {b['peak_rss_mib']} MiB.")
        print("  It said: " + " | ".join(b["output"]))
failed = [r for r in rows if r.get("errors")]
if failed: print(f"\n{len(failed)} probe(s) had failed requests: see FAILED above and the JSON lines.")
PY
[ "$errors" = 0 ] || echo "Some requests failed (see FAILED above): exit status 1." >&2
exit "$errors"
