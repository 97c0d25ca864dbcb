#!/usr/bin/env bash
# Start-up time: process start -> first 200 from /health, for the built service (Release), N runs.
#   bench/startup.sh [runs]      prints one JSON line per scenario with the median and each run, in ms
# Scenarios: "first-start" (empty data folder: initdb, migrations, seeds) and "restart" (existing cluster).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
dotnet build src/Tracker -c Release -v q -nologo >/dev/null
dll=src/Tracker/bin/Release/net10.0/Tracker.dll
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

measure() { # $1 = data folder; prints ms
  local start end pid
  start=$(date +%s%N)
  TRACKER_HOME="$1" ASPNETCORE_ENVIRONMENT=Production Tracker__LoadSeeds=true \
    dotnet "$dll" --urls "http://127.0.0.1:$port" >"$1.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    kill -0 $pid 2>/dev/null || { cat "$1.log" >&2; exit 1; }
    sleep 0.02
  done
  end=$(date +%s%N)
  kill -TERM $pid; wait $pid || true
  echo $(( (end - start) / 1000000 ))
}

report() { python3 -c "import json,sys,statistics; v=[int(x) for x in sys.argv[2:]]; print(json.dumps({'scenario': sys.argv[1], 'median_ms': statistics.median(v), 'runs_ms': v}))" "$@"; }

first=(); again=()
for i in $(seq "$runs"); do
  home=$(mktemp -d /tmp/tracker-startup-XXXX); chmod 755 "$home"
  first+=("$(measure "$home")")
  again+=("$(measure "$home")")
  rm -rf "$home" "$home.log"
done
report first-start "${first[@]}"
report restart "${again[@]}"
