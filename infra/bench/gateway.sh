#!/usr/bin/env bash
# What the gateway costs: a trivial backend (WireMock answering {} with no request journal) called
# straight and through the gateway with a tenant's API key looked up in Redis and its rate limit
# counted in Redis. Each part is its own process; wrk is the load generator.
#
# Usage: infra/bench/gateway.sh [--no-build]
#
# Four runs after a warm-up (JIT) of each path:
#   saturated  16 connections as fast as they go: requests/s, p50, p99 — the throughput ratio;
#   paced      16 connections, 16 ms apart (~1,000 requests/s): the latency the gateway adds
#              when it is not queueing.
# Twice: "shared", all processes on both cores, and "own core", the gateway pinned to core 1 and
# load generator + backend to core 0 (as in a cluster, where the gateway runs on its own pods).
# Knobs: BENCH_SECONDS per run (15), BENCH_WARMUP seconds per path (30), BENCH_GATEWAY_OPTS (JVM flags).
# Prints a table and writes it to target/bench/gateway.txt. Needs Redis on localhost:6379 and wrk
# (apt-get install wrk; installed here when missing and run as root).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$ROOT/target/bench/gateway"
OUT="$ROOT/target/bench/gateway.txt"
WIREMOCK_VERSION=3.13.2
BACKEND_PORT=18090
GATEWAY_PORT=18080
: "${BENCH_SECONDS:=15}" "${BENCH_WARMUP:=30}" "${BENCH_GATEWAY_OPTS:=}"

cd "$ROOT"
mkdir -p "$WORK"
if ! command -v wrk >/dev/null; then
  [[ $EUID -eq 0 ]] || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
  apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
fi
[[ "${1:-}" == --no-build ]] || ./mvnw -q -B -ntp -pl gateway -am package -DskipTests -Dspotless.check.skip=true
WIREMOCK_JAR="$WORK/wiremock-standalone-$WIREMOCK_VERSION.jar"
[[ -f "$WIREMOCK_JAR" ]] || ./mvnw -q -N dependency:copy \
  -Dartifact="org.wiremock:wiremock-standalone:$WIREMOCK_VERSION" -DoutputDirectory="$WORK"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
wait_http() { for _ in $(seq 1 120); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done; echo "no answer from $1" >&2; exit 1; }

mkdir -p "$WORK/wiremock/mappings"
cat >"$WORK/wiremock/mappings/customer.json" <<'JSON'
{"request": {"method": "GET", "urlPathPattern": "/v1/customers/.*"}, "response": {"status": 200, "body": "{}"}}
JSON
java -jar "$WIREMOCK_JAR" --port "$BACKEND_PORT" --bind-address 127.0.0.1 --root-dir "$WORK/wiremock" \
  --no-request-journal --disable-banner --container-threads 50 >"$WORK/backend.log" 2>&1 &
PIDS+=($!)
BACKEND=$!
# the operator token and the tenant's key are made up here, for this run only
ADMIN="bench-$RANDOM$RANDOM"
ADMIN_TOKEN="$ADMIN" SERVER_PORT="$GATEWAY_PORT" \
  PREFERENCE_SERVICE_URL="http://127.0.0.1:$BACKEND_PORT" ROUTING_SERVICE_URL="http://127.0.0.1:$BACKEND_PORT" \
  SMS_SERVICE_URL="http://127.0.0.1:$BACKEND_PORT" LOG_FORMAT=logstash \
  java $BENCH_GATEWAY_OPTS -jar gateway/target/gateway.jar >"$WORK/gateway.log" 2>&1 &
PIDS+=($!)
GATEWAY=$!
wait_http "http://127.0.0.1:$BACKEND_PORT/v1/customers/c-1"
wait_http "http://127.0.0.1:$GATEWAY_PORT/actuator/health/readiness"

TENANT_JSON=$(curl -sf -X POST "http://127.0.0.1:$GATEWAY_PORT/admin/tenants" -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/json' -d '{"name":"Bench"}')
KEY=$(sed -n 's/.*"apiKey":"\([^"]*\)".*/\1/p' <<<"$TENANT_JSON")
TENANT=$(sed -n 's/.*"tenantId":"\([^"]*\)".*/\1/p' <<<"$TENANT_JSON")
[[ -n "$KEY" && -n "$TENANT" ]] || { echo "could not create the bench tenant: $TENANT_JSON" >&2; exit 1; }
# the highest limit an operator may set: every request is still counted in Redis
curl -sf -o /dev/null -X PATCH "http://127.0.0.1:$GATEWAY_PORT/admin/tenants/$TENANT" -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/json' -d '{"rateLimit":100000}'
DIRECT_URL="http://127.0.0.1:$BACKEND_PORT/v1/customers/c-1"
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT/v1/customers/c-1"

cat >"$WORK/paced.lua" <<'LUA'
-- each connection waits 16 ms between requests: 16 connections ~ 1,000 requests/s
function delay() return 16 end
LUA
cat >"$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.3f %.3f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
cat "$WORK/report.lua" >>"$WORK/paced.lua"

# run NAME URL SECONDS CPUSET SCRIPT [key]: prints "RESULT req/s p50ms p99ms errors"
run() {
  local url=$1 seconds=$2 cpus=$3 script=$4 auth=()
  [[ "${5:-}" == key ]] && auth=(-H "Authorization: Bearer $KEY")
  taskset -c "$cpus" wrk -t1 -c16 -d"${seconds}s" -s "$script" "${auth[@]}" "$url" | sed -n 's/^RESULT //p'
}
pin() { taskset -a -p -c "$2" "$1" >/dev/null; }

echo "warming up ${BENCH_WARMUP}s per path..."
run "$DIRECT_URL" "$BENCH_WARMUP" 0,1 "$WORK/report.lua" >/dev/null
run "$GATEWAY_URL" "$BENCH_WARMUP" 0,1 "$WORK/report.lua" key >/dev/null

declare -A R
for layout in shared own; do
  if [[ $layout == own ]]; then pin "$GATEWAY" 1; pin "$BACKEND" 0; cpus=0; else cpus=0,1; fi
  R[$layout,direct,sat]=$(run "$DIRECT_URL" "$BENCH_SECONDS" "$cpus" "$WORK/report.lua")
  R[$layout,gateway,sat]=$(run "$GATEWAY_URL" "$BENCH_SECONDS" "$cpus" "$WORK/report.lua" key)
  R[$layout,direct,paced]=$(run "$DIRECT_URL" "$BENCH_SECONDS" "$cpus" "$WORK/paced.lua")
  R[$layout,gateway,paced]=$(run "$GATEWAY_URL" "$BENCH_SECONDS" "$cpus" "$WORK/paced.lua" key)
done

{
  printf 'gateway cost: WireMock backend, wrk -c16, API key + rate limit in Redis, %s cores, %s s per run\n' "$(nproc)" "$BENCH_SECONDS"
  printf '%-9s %-10s %-8s %9s %9s %9s %7s\n' layout load path 'req/s' 'p50 ms' 'p99 ms' errors
  for layout in shared own; do
    for load in sat paced; do
      for path in direct gateway; do
        read -r rps p50 p99 err <<<"${R[$layout,$path,$load]}"
        printf '%-9s %-10s %-8s %9s %9s %9s %7s\n' "$layout" "$([[ $load == sat ]] && echo saturated || echo '~1000/s')" "$path" "$rps" "$p50" "$p99" "$err"
      done
    done
    read -r d_rps _ _ _ <<<"${R[$layout,direct,sat]}"
    read -r g_rps _ _ _ <<<"${R[$layout,gateway,sat]}"
    read -r _ d_p50 d_p99 _ <<<"${R[$layout,direct,paced]}"
    read -r _ g_p50 g_p99 _ <<<"${R[$layout,gateway,paced]}"
    awk -v l="$layout" -v d="$d_rps" -v g="$g_rps" -v dp="$d_p50" -v gp="$g_p50" -v d9="$d_p99" -v g9="$g_p99" \
      'BEGIN { printf "%-9s ratio %.2f of direct throughput (target >= 0.50); at ~1000/s +%.2f ms p50 (target < 2), +%.2f ms p99\n", l, g / d, gp - dp, g9 - d9 }'
  done
} | tee "$OUT"
