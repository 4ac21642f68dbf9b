#!/usr/bin/env bash
# The fault suite: while messages flow at a fixed rate, kill -9 each service in turn and restart it,
# restart the suite's own RabbitMQ node and Redis (other ports: the machine's stay untouched), make
# the Twilio simulator answer 500 and then slowly for a while; then reconcile: every accepted
# message in exactly one terminal state, none sent twice by a provider. Loopback only; it stops by
# itself (about 8 minutes). Figures also in infra/e2e/target/faults/faults.txt.
#
# Usage: infra/faults/run.sh [rate per second, default 40]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
./mvnw -B -ntp -q install -DskipTests
# a RabbitMQ node and a Redis of the suite's own (5673, 6391): the ones it restarts
infra/faults/instances.sh start
trap 'infra/faults/instances.sh stop' EXIT
./mvnw -B -ntp -Pfaults -pl infra/e2e verify -Dfaults.rate="${1:-40}" -De2e.no-trace-export=true \
  -De2e.email-consumers=4 -De2e.rabbit-port=5673 -De2e.redis-port=6391 -De2e.redrive-after=60s
cat infra/e2e/target/faults/faults.txt
