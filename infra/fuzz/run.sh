#!/usr/bin/env bash
# The hostile-input suite: hand-written attacks (each must get a 4xx) and a mutation fuzzer over every
# operation of the gateway's OpenAPI document (no 5xx, no hang), against all six services running as
# processes; a victim customer's data is compared before and after.
#
# Usage: infra/fuzz/run.sh [iterations per operation, default 40] [seed, default: new each run]
# The seed is printed; pass it again to replay a failing run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
ARGS=(-Dfuzz.iterations="${1:-40}")
[[ -n "${2:-}" ]] && ARGS+=(-Dfuzz.seed="$2")
./mvnw -B -ntp -q install -DskipTests
# the attacks and the fuzzer: this class only, whatever its tags
./mvnw -B -ntp -pl infra/e2e verify -Dtest=HostileInputTest -Dsurefire.excludedGroups=none -Dsurefire.groups= \
  -De2e.no-trace-export=true "${ARGS[@]}"
grep -h "hostile input" infra/e2e/target/surefire-reports/io.relay.e2e.HostileInputTest-output.txt || true
