#!/usr/bin/env bash
# Trains JDK 25's ahead-of-time cache (JEP 483/514/515) for a service at image build time, where
# there is no database, broker or Redis: the service starts towards its refreshed context
# (-Dspring.context.exit=onRefresh) until it first needs one of them, and the JVM writes what it
# loaded, linked and profiled by then to the cache as it exits. That start is expected to fail; the
# script fails only when no cache was written. The secrets are throwaway values for this one process
# (the service refuses to start without them); they are not kept anywhere.
#
# Usage (in the directory of the extracted jar, as the Dockerfile does): train-aot.sh app.jar app.aot
# The cache is used only by the same JVM, for the same jar files at the same paths, with the same
# module options: run the service from that directory with
# `java -XX:AOTCache=app.aot --enable-native-access=ALL-UNNAMED -jar app.jar` (the Dockerfile's
# ENTRYPOINT). A JVM that cannot use the cache says so and starts without it.
set -euo pipefail
JAR="${1:?usage: train-aot.sh JAR CACHE}"
CACHE="${2:?usage: train-aot.sh JAR CACHE}"
[ -f "$JAR" ] || { echo "train-aot: no jar $JAR" >&2; exit 1; }
throwaway() { head -c 30 /dev/urandom | base64 | tr -d '\n'; }
rm -f "$CACHE" "$CACHE.config"
# Loopback ports where nothing listens, so a connection is refused at once instead of timing out.
env ADMIN_TOKEN="$(throwaway)" INTERNAL_TOKEN="$(throwaway)" LINK_SIGNING_KEY="$(throwaway)" \
  PROVIDER_SECRETS_KEY="$(throwaway)" \
  POSTGRES_URL=jdbc:postgresql://127.0.0.1:9/training RABBITMQ_HOST=127.0.0.1 RABBITMQ_PORT=9 \
  REDIS_HOST=127.0.0.1 REDIS_PORT=9 SERVER_PORT=0 \
  java -XX:AOTCacheOutput="$CACHE" --enable-native-access=ALL-UNNAMED -Dspring.context.exit=onRefresh \
  -jar "$JAR" >"$CACHE.log" 2>&1 || true
if [ ! -s "$CACHE" ]; then
  echo "train-aot: no AOT cache written; the training run said:" >&2
  tail -n 40 "$CACHE.log" >&2
  exit 1
fi
rm -f "$CACHE.config" "$CACHE.log"
echo "train-aot: wrote $CACHE ($(du -h "$CACHE" | cut -f1))"
