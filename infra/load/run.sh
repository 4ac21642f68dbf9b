#!/usr/bin/env bash
# The end-to-end load suite: the six services as processes (full JIT, 512 MiB heap each), the real
# PostgreSQL, Redis and RabbitMQ, a Twilio simulator answering in 40-120 ms and a real SMTP server;
# creates tenants and customers, drives POST /v1/messages through the gateway at a fixed rate and
# then at the maximum, and prints the figures (also in infra/e2e/target/load/load.txt).
#
# Usage: infra/load/run.sh [rate per second, default 1000] [seconds per phase, default 60]
#   LOAD_ROUTING_CONSUMERS: routing-service's ROUTING_CONSUMERS for the run (16)
#   LOAD_JVM: the services' JVM options ("-Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+UseParallelGC": the
#     heap is touched once at start, not while measured; on some machines of this kind a first touch of
#     memory costs 4-40 s of CPU a GiB, see docs/benchmarks.md)
#   LOAD_MAX=false: skip the maximum phase (a sustained fixed-rate run)
#   LOAD_WARMUP: seconds of unmeasured warm-up, the rate rising from a tenth to all of it, while the JIT
#     compiles (30)
#   LOAD_TRACING_SAMPLING: the services' TRACING_SAMPLING_PROBABILITY (unset: the default, 1.0)
#   LOAD_AOT=true: the services run with JDK 25's AOT cache (infra/e2e/target/aot): the first such run
#     trains it (written as each service stops), the next ones use it (docs/benchmarks.md, Warm-up)
# Needs what infra/local/test.sh needs (it starts PostgreSQL, Redis, RabbitMQ when they are down).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
RATE="${1:-1000}"
SECONDS_PER_PHASE="${2:-60}"
./mvnw -B -ntp -q install -DskipTests
# what this machine charges for system calls, wake-ups and new memory, measured idle: figures from
# two machines compare only beside it (docs/benchmarks.md, "The machine")
MACHINE="$(python3 infra/bench/machine.py 2>/dev/null || echo 'machine: not probed (needs python3)')"
./mvnw -B -ntp -Pload -pl infra/e2e verify \
  -Dload.rate="$RATE" -Dload.seconds="$SECONDS_PER_PHASE" -Dload.warmup="${LOAD_WARMUP:-30}" -Dload.max="${LOAD_MAX:-true}" \
  -De2e.jvm="${LOAD_JVM:--Xms512m -Xmx512m -XX:+AlwaysPreTouch -XX:+UseParallelGC}" -De2e.no-trace-export=true -De2e.no-request-journal=true -De2e.email-consumers=8 \
  -De2e.routing-consumers="${LOAD_ROUTING_CONSUMERS:-16}" \
  ${LOAD_TRACING_SAMPLING:+-De2e.tracing-sampling="$LOAD_TRACING_SAMPLING"} \
  ${LOAD_AOT:+-De2e.aot-cache-dir="$ROOT/infra/e2e/target/aot"}
echo "$MACHINE" >> infra/e2e/target/load/load.txt
cat infra/e2e/target/load/load.txt
