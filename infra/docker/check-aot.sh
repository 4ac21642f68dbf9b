#!/usr/bin/env bash
# Checks the images' AOT cache without a Docker engine: for each service that docker-compose.yml
# builds, lays the built jar out as infra/docker/Dockerfile does (layers extracted without the
# launcher, app.jar with lib/ beside it), trains the cache with the Dockerfile's own script
# (train-aot.sh, no database or broker reachable), then starts the JVM with the ENTRYPOINT's options
# and -XX:AOTMode=on, which refuses to start unless the cache can be used, and counts the classes it
# took from the cache. Run after the jars are built (./mvnw package); infra/local/test.sh runs it.
#
# Usage: infra/docker/check-aot.sh [WORK_DIR]   (default: a new temporary directory, removed after)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
WORK="${1:-$(mktemp -d)}"
[ -n "${1:-}" ] || trap 'rm -rf "$WORK"' EXIT
# MODULE/ARTIFACT pairs, in the order docker-compose.yml passes them as build args
mapfile -t PAIRS < <(awk '/^ *MODULE:/ {m=$2} /^ *ARTIFACT:/ {print m " " $2}' "$ROOT/docker-compose.yml")
[ "${#PAIRS[@]}" -gt 0 ] || { echo "FAIL no MODULE/ARTIFACT build args in docker-compose.yml" >&2; exit 1; }
failed=0
for pair in "${PAIRS[@]}"; do
  read -r module artifact <<<"$pair"
  jar="$ROOT/$module/target/$artifact.jar"
  [ -f "$jar" ] || { echo "FAIL $artifact: no $jar (build it first)"; failed=1; continue; }
  dir="$WORK/$artifact"
  rm -rf "$dir" && mkdir -p "$dir/app"
  # the build stage's extraction and the final stage's COPYs (cp -p keeps the times, as COPY does)
  (cd "$dir" && java -Djarmode=tools -jar "$jar" extract --layers --destination extracted >/dev/null \
    && mv "extracted/application/$artifact.jar" extracted/application/app.jar \
    && for layer in dependencies snapshot-dependencies application; do
         [ -d "extracted/$layer" ] && cp -rp "extracted/$layer/." app/
       done)
  if ! (cd "$dir/app" && bash "$ROOT/infra/docker/train-aot.sh" app.jar app.aot >/dev/null); then
    echo "FAIL $artifact: train-aot.sh wrote no cache"; failed=1; continue
  fi
  # the ENTRYPOINT's JVM options; the start itself stops at the first connection, as in training
  log="$dir/start.log"
  secret="$(head -c 30 /dev/urandom | base64 | tr -d '\n')"
  (cd "$dir/app" && env ADMIN_TOKEN="$secret" INTERNAL_TOKEN="$secret" LINK_SIGNING_KEY="$secret" \
     PROVIDER_SECRETS_KEY="$secret" POSTGRES_URL=jdbc:postgresql://127.0.0.1:9/check RABBITMQ_HOST=127.0.0.1 RABBITMQ_PORT=9 \
     REDIS_HOST=127.0.0.1 REDIS_PORT=9 SERVER_PORT=0 \
     java -XX:AOTMode=on -XX:AOTCache=app.aot --enable-native-access=ALL-UNNAMED -Xlog:class+load=info \
     -Dspring.context.exit=onRefresh -jar app.jar >"$log" 2>&1) || true
  shared=$(grep -c 'source: shared objects file' "$log" || true)
  if [ "$shared" -lt 5000 ]; then
    echo "FAIL $artifact: the JVM took $shared classes from the AOT cache; it said:"
    grep -i 'aot\|error' "$log" | grep -v 'source:' | head -5
    failed=1
  else
    echo "ok    $artifact: AOT cache $(du -h "$dir/app/app.aot" | cut -f1), $shared classes taken from it at start"
  fi
done
exit "$failed"
