#!/usr/bin/env bash
# Server render time of the workbench's pages on the seed store: the portfolio, the agreement, a commitment page
# (the seed's air-defence commitment, with its history), the log-statement form and a search, for a signed-in analyst.
#   bench/pages.sh [requests]     requests per page (default 200); prints one JSON line per page, then a table
# Starts the Release build on a fresh data folder (Production, seeds loaded), as bench/run.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-200}
work=$(mktemp -d -t tracker-pages-XXXX)
chmod 755 "$work"
service=
cleanup() {
  if [ -n "$service" ] && kill -0 "$service" 2>/dev/null; then kill -TERM "$service"; wait "$service" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
for project in src/Tracker bench/Tracker.Benchmarks; do
  dotnet build "$project" -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
done
dll=src/Tracker/bin/Release/net10.0/Tracker.dll
unset TRACKER_DB ConnectionStrings__Tracker
export TRACKER_HOME=$work/home ASPNETCORE_ENVIRONMENT=Production Tracker__LoadSeeds=true \
  Tracker__RateLimit__PermitsPerMinute=1000000000
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
dotnet "$dll" --urls "$url" >"$work/service.log" 2>&1 &
service=$!
for _ in $(seq 600); do curl -sf "$url/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$url/health" >/dev/null || { echo "pages.sh: no healthy service" >&2; cat "$work/service.log" >&2; exit 1; }
token=$(dotnet "$dll" users add bench --role analyst 2>/dev/null | grep -o '^trk_[^[:space:]]*')
agreement=ua-fr-defence-industry
dotnet bench/Tracker.Benchmarks/bin/Release/net10.0/Tracker.Benchmarks.dll pages --url "$url" --user bench --token "$token" \
  --requests "$requests" --budget 60 \
  --paths "/,/agreements/$agreement,/agreements/$agreement/commitments/air-defence-joint-production,/agreements/$agreement/statements/new,/search?q=gemeinsame+Produktion"
