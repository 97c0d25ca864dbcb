#!/usr/bin/env bash
# The portfolio rebuild: 'portfolio rebuild' (blue/green, while the service serves) against Marten's
# 'projections rebuild -p Portfolio' (the service stopped) on the same store, in the same run.
#   bench/rebuild.sh            prints JSON lines, then the ratio
# Environment: REBUILD_EVENTS [150000] events generated (the generator of bench/scale.sh, its files imported with
# `tracker import`); REBUILD_SEED [42]; REBUILD_SKIP_BUILD [0] 1: use the Release builds already there;
# REBUILD_KEEP [0] 1: keep the work folder.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
events=${REBUILD_EVENTS:-150000}
seed=${REBUILD_SEED:-42}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
work=$(mktemp -d -t tracker-rebuild-XXXX)
chmod 755 "$work"
home=$work/home
data=$work/data
service=
cleanup() {
  if [ -n "$service" ] && kill -0 "$service" 2>/dev/null; then kill -TERM "$service"; wait "$service" 2>/dev/null || true; fi
  if [ -f "$home/pgdata/postmaster.pid" ]; then
    local owner; owner=$(stat -c %U "$home/pgdata")
    if [ "$owner" = "$(id -un)" ]; then "$pgbin/pg_ctl" stop -D "$home/pgdata" -m immediate >/dev/null 2>&1 || true
    else runuser -u "$owner" -- "$pgbin/pg_ctl" stop -D "$home/pgdata" -m immediate >/dev/null 2>&1 || true; fi
  fi
  if [ "${REBUILD_KEEP:-0}" = 1 ]; then echo "rebuild.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "${REBUILD_SKIP_BUILD:-0}" != 1 ]; then
  for project in src/Tracker bench/Tracker.Benchmarks; do
    dotnet build "$project" -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  done
fi
dll=$repo/src/Tracker/bin/Release/net10.0/Tracker.dll
bench=$repo/bench/Tracker.Benchmarks/bin/Release/net10.0/Tracker.Benchmarks.dll

dotnet "$bench" generate --out "$data" --events "$events" --seed "$seed" --wide-parties 40 >"$work/generate.json"
unset TRACKER_DB ConnectionStrings__Tracker
export TRACKER_HOME=$home ASPNETCORE_ENVIRONMENT=Production Tracker__LoadSeeds=false Tracker__RateLimit__PermitsPerMinute=1000000000
for file in $(ls "$data" | grep -E '^[0-9].*\.jsonl$' | sort); do
  echo "Importing $file…" >&2
  dotnet "$dll" import "$data/$file" >>"$work/import.log" 2>&1 || { tail -n 30 "$work/import.log" >&2; exit 1; }
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet "$dll" --urls "http://127.0.0.1:$port" >"$work/service.log" 2>&1 &
service=$!
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
store_events=$(PGHOST=127.0.0.1 PGPORT=$(sed -n 4p "$home/pgdata/postmaster.pid") PGUSER=tracker PGPASSWORD=$(cat "$home/credentials") \
  PGDATABASE=tracker "$pgbin/psql" -XAtqc "select count(*) from tracker.mt_events where type <> 'tombstone'")

timed() { # $1 = name, rest = the verb; JSON line with seconds, events/s (process start included) and peak RSS
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/$name.rss" dotnet "$dll" "$@" >"$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; exit 1; }
  end=$(date +%s.%N)
  python3 -c 'import json,sys; e,s,r=int(sys.argv[2]),float(sys.argv[4])-float(sys.argv[3]),int(open(sys.argv[5]).read().split()[-1]); print(json.dumps({"measure":sys.argv[1],"events":e,"seconds":round(s,2),"events_per_s":round(e/s),"peak_rss_mib":round(r/1024)}))' \
    "$name" "$store_events" "$start" "$end" "$work/$name.rss" | tee -a "$work/results.jsonl"
}
echo "portfolio rebuild (the service serving)…" >&2
timed portfolio-rebuild portfolio rebuild
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "rebuild.sh: the service stopped answering" >&2; exit 1; }
kill -TERM "$service"; wait "$service" 2>/dev/null || true; service=
echo "projections rebuild -p Portfolio (Marten's daemon, the service stopped)…" >&2
timed marten-rebuild projections rebuild -p Portfolio
python3 - "$work/results.jsonl" <<'PY'
import json, sys
r = {j["measure"]: j for j in map(json.loads, open(sys.argv[1]))}
p, m = r["portfolio-rebuild"], r["marten-rebuild"]
print(f"{p['events']:,} events: portfolio rebuild {p['events_per_s']:,} events/s ({p['seconds']} s, peak {p['peak_rss_mib']} MiB, serving); "
      f"Marten's rebuild {m['events_per_s']:,} events/s ({m['seconds']} s, peak {m['peak_rss_mib']} MiB); ratio {p['events_per_s'] / m['events_per_s']:.1f}x")
PY
