#!/usr/bin/env bash
# What the gateway costs: a trivial backend (WireMock answering {} with no request journal) called
# straight and through the gateway, with the tenant's API key and rate limit checked as on every
# request (from the gateway's memory, with its limit leased from Redis). Each part is its own
# process; wrk is the load generator.
#
# Usage: infra/bench/gateway.sh [--no-build]
#
# Per layout, after a warm-up (JIT) of each path:
#   saturated  16 connections as fast as they go: requests/s, p50, p99 — the throughput ratio — and
#              the gateway's CPU per request (from /proc/PID/stat: every thread, JIT and GC included);
#   paced      16 connections, 16 ms apart (~1,000 requests/s): the latency the gateway adds when it
#              is not queueing.
# Layouts:
#   own core  the gateway as deployed: started on core 1 alone, so it sizes itself for one CPU like
#             its one-CPU pod (k8s/base), with wrk and the backend on core 0. This is the target's layout.
#             Its transport is the gateway's own choice: io_uring where the kernel lets it start a ring.
#   own-nio   the same with the JDK selector (-Dreactor.netty.native=false): the transport a pod gets
#             under Kubernetes' RuntimeDefault seccomp profile, which blocks io_uring. Skipped when the
#             gateway chose nio by itself.
#   shared    everything on both cores: the gateway's CPU is taken from the backend and wrk, so this
#             ratio is bounded by what the three cost together, not by the gateway alone.
# Knobs: BENCH_SECONDS per run (15), BENCH_ROUNDS of saturated direct/gateway runs in turns (3; the
# medians are reported), BENCH_WARMUP seconds per gateway start (90: the gateway's per-request CPU
# keeps falling for about that long), BENCH_GATEWAY_OPTS (JVM flags).
# Prints a table and writes it to target/bench/gateway.txt. Needs Redis on localhost:6379 and wrk
# (apt-get install wrk; installed here when missing and run as root).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$ROOT/target/bench/gateway"
OUT="$ROOT/target/bench/gateway.txt"
WIREMOCK_VERSION=3.13.2
BACKEND_PORT=18090
GATEWAY_PORT=18080
: "${BENCH_SECONDS:=15}" "${BENCH_WARMUP:=90}" "${BENCH_ROUNDS:=3}" "${BENCH_GATEWAY_OPTS:=}"

cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
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
# (as in production: no local profile, so the gateway accepts only secrets of 32+ characters)
secret() { head -c 33 /dev/urandom | base64 | tr '+/' '-_'; }
ADMIN=$(secret)
INTERNAL=$(secret)
OPERATOR_PORT=$((GATEWAY_PORT + 20)) # not BACKEND_PORT
GATEWAY=
STARTS=0
# start_gateway CPUS [JVM flags]: (re)starts the gateway on those cores, so it sees only them; each
# start logs to its own gateway-N.log
start_gateway() {
  [[ -z "$GATEWAY" ]] || { kill "$GATEWAY"; wait "$GATEWAY" 2>/dev/null || true; }
  STARTS=$((STARTS + 1))
  local log="$WORK/gateway-$STARTS.log"
  ADMIN_TOKEN="$ADMIN" INTERNAL_TOKEN="$INTERNAL" SERVER_PORT="$GATEWAY_PORT" ADMIN_PORT="$OPERATOR_PORT" \
    PREFERENCE_SERVICE_URL="http://127.0.0.1:$BACKEND_PORT" ROUTING_SERVICE_URL="http://127.0.0.1:$BACKEND_PORT" \
    SMS_SERVICE_URL="http://127.0.0.1:$BACKEND_PORT" LOG_FORMAT=logstash \
    taskset -c "$1" java $BENCH_GATEWAY_OPTS ${2:-} -jar gateway/target/gateway.jar >"$log" 2>&1 &
  GATEWAY=$!
  PIDS+=($GATEWAY)
  wait_http "http://127.0.0.1:$GATEWAY_PORT/actuator/health/readiness"
  # GatewayApplication logs its event loops' transport once ready
  TRANSPORT=
  for _ in $(seq 1 20); do
    TRANSPORT=$(sed -n 's/.*transport: \([a-z_]*\).*/\1/p' "$log" | head -1)
    [[ -n "$TRANSPORT" ]] && break
    sleep 0.5
  done
  [[ -n "$TRANSPORT" ]] || { echo "the gateway logged no 'transport:' line (see $log)" >&2; exit 1; }
}
start_gateway 0,1
wait_http "http://127.0.0.1:$BACKEND_PORT/v1/customers/c-1"

TENANT_JSON=$(curl -sf -X POST "http://127.0.0.1:$OPERATOR_PORT/admin/tenants" -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/json' -d '{"name":"Bench"}')
KEY=$(sed -n 's/.*"apiKey":"\([^"]*\)".*/\1/p' <<<"$TENANT_JSON")
TENANT=$(sed -n 's/.*"tenantId":"\([^"]*\)".*/\1/p' <<<"$TENANT_JSON")
[[ -n "$KEY" && -n "$TENANT" ]] || { echo "could not create the bench tenant: $TENANT_JSON" >&2; exit 1; }
# the highest limit an operator may set: every request still draws on the tenant's counter in Redis
curl -sf -o /dev/null -X PATCH "http://127.0.0.1:$OPERATOR_PORT/admin/tenants/$TENANT" -H "Authorization: Bearer $ADMIN" \
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

# run URL SECONDS CPUSET SCRIPT [key]: prints "req/s p50ms p99ms errors gateway-us-per-request"
run() {
  local url=$1 seconds=$2 cpus=$3 script=$4 auth=() before after out
  [[ "${5:-}" == key ]] && auth=(-H "Authorization: Bearer $KEY")
  before=$(cpu_ticks "$GATEWAY")
  out=$(taskset -c "$cpus" wrk -t1 -c16 -d"${seconds}s" -s "$script" "${auth[@]}" "$url" | sed -n 's/^RESULT //p')
  after=$(cpu_ticks "$GATEWAY")
  read -r rps _ _ _ <<<"$out"
  if [[ "${5:-}" == key ]]; then
    # clock ticks are 1/100 s
    echo "$out $(awk -v b="$before" -v a="$after" -v r="$rps" -v s="$seconds" 'BEGIN { printf "%.0f", (a - b) * 10000 / (r * s) }')"
  else
    echo "$out -"
  fi
}
# median RESULT...: the run whose req/s is the median (its p50, p99 and CPU figures come with it)
median() { printf '%s\n' "$@" | sort -n -k1,1 | sed -n "$((($# + 1) / 2))p"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
pin() { taskset -a -p -c "$2" "$1" >/dev/null; }

declare -A R
LAYOUTS=(shared own own-nio)
[[ $TRANSPORT == nio ]] && LAYOUTS=(shared own)
for layout in "${LAYOUTS[@]}"; do
  if [[ $layout == own ]]; then
    pin "$BACKEND" 0
    start_gateway 1
    cpus=0
  elif [[ $layout == own-nio ]]; then
    start_gateway 1 -Dreactor.netty.native=false
    cpus=0
  else
    cpus=0,1
    echo "warming up the backend 20s..."
    run "$DIRECT_URL" 20 "$cpus" "$WORK/report.lua" >/dev/null
  fi
  echo "$layout: warming up the gateway ${BENCH_WARMUP}s..."
  run "$GATEWAY_URL" "$BENCH_WARMUP" "$cpus" "$WORK/report.lua" key >/dev/null
  # direct and through the gateway in turns, BENCH_ROUNDS times: this VM's speed drifts by 10-30 %
  # over minutes, so each path's median comes from the same stretch of time as the other's
  direct=() gateway=()
  for _ in $(seq 1 "$BENCH_ROUNDS"); do
    direct+=("$(run "$DIRECT_URL" "$BENCH_SECONDS" "$cpus" "$WORK/report.lua")")
    gateway+=("$(run "$GATEWAY_URL" "$BENCH_SECONDS" "$cpus" "$WORK/report.lua" key)")
  done
  R[$layout,transport]=$TRANSPORT
  R[$layout,direct,sat]=$(median "${direct[@]}")
  R[$layout,gateway,sat]=$(median "${gateway[@]}")
  R[$layout,rounds]="direct $(printf '%s ' "${direct[@]%% *}")| gateway $(printf '%s ' "${gateway[@]%% *}")"
  R[$layout,direct,paced]=$(run "$DIRECT_URL" "$BENCH_SECONDS" "$cpus" "$WORK/paced.lua")
  R[$layout,gateway,paced]=$(run "$GATEWAY_URL" "$BENCH_SECONDS" "$cpus" "$WORK/paced.lua" key)
done

{
  printf 'gateway cost: WireMock backend, wrk -c16, API key + rate limit on, %s cores, %s s per run\n' "$(nproc)" "$BENCH_SECONDS"
  printf '%-9s %-10s %-8s %9s %9s %9s %7s %12s\n' layout load path 'req/s' 'p50 ms' 'p99 ms' errors 'gateway us/req'
  for layout in own own-nio shared; do
    [[ -n "${R[$layout,transport]:-}" ]] || continue
    for load in sat paced; do
      for path in direct gateway; do
        read -r rps p50 p99 err us <<<"${R[$layout,$path,$load]}"
        printf '%-9s %-10s %-8s %9s %9s %9s %7s %12s\n' "$layout" "$([[ $load == sat ]] && echo saturated || echo '~1000/s')" "$path" "$rps" "$p50" "$p99" "$err" "$us"
      done
    done
    read -r d_rps _ _ _ <<<"${R[$layout,direct,sat]}"
    read -r g_rps _ _ _ <<<"${R[$layout,gateway,sat]}"
    read -r _ d_p50 d_p99 _ <<<"${R[$layout,direct,paced]}"
    read -r _ g_p50 g_p99 _ <<<"${R[$layout,gateway,paced]}"
    awk -v l="$layout" -v d="$d_rps" -v g="$g_rps" -v dp="$d_p50" -v gp="$g_p50" -v d9="$d_p99" -v g9="$g_p99" \
      'BEGIN { printf "%-9s ratio %.2f of direct throughput (target >= 0.50); at ~1000/s +%.2f ms p50 (target < 2), +%.2f ms p99\n", l, g / d, gp - dp, g9 - d9 }'
    printf '%-9s saturated req/s by round: %s\n' "$layout" "${R[$layout,rounds]}"
    printf '%-9s gateway transport: %s\n' "$layout" "${R[$layout,transport]}"
  done
} | tee "$OUT"
