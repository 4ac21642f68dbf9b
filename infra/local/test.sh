#!/usr/bin/env bash
# Runs every test: unit, integration (the machine's real PostgreSQL, Redis, RabbitMQ and a real
# SMTP server) and end-to-end (the packaged services as processes), the formatter check, and the
# offline checks of docker-compose.yml, the Dockerfile (infra/docker/Dockerfile), k8s/ and the alert rules,
# the tests of those checks (infra/checks), and the images' AOT cache training (infra/docker/check-aot.sh).
#
# Usage: infra/local/test.sh [extra Maven arguments, e.g. -pl services/email-service -am]
# Starts PostgreSQL, Redis or RabbitMQ first if one is not answering (this machine's commands).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

say() { printf '==> %s\n' "$*"; }
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
wait_for() { # wait_for SECONDS COMMAND...
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do ((SECONDS < deadline)) || return 1; sleep 1; done
}

# JDK 25 (the default java here is 17): keep a JAVA_HOME that already is 25
java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}'; }
if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" ]] || [[ "$(java_major "$JAVA_HOME/bin/java")" != 25* ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
say "JDK: $JAVA_HOME"

if ! pg_isready -q -h localhost -p 5432; then
  say "starting PostgreSQL"
  # shellcheck disable=SC2046 # one cluster version directory, as installed
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
  wait_for 30 pg_isready -q -h localhost -p 5432
fi
# integration tests work in schemas of their own inside the database "test"
psql -h localhost -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 ||
  psql -h localhost -U postgres -qc "CREATE DATABASE test"

if ! port_open 127.0.0.1 6379; then
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for 15 port_open 127.0.0.1 6379
fi

if ! port_open 127.0.0.1 5672; then
  say "starting RabbitMQ"
  rabbitmq-server -detached
  wait_for 90 port_open 127.0.0.1 5672
  rabbitmqctl -q await_startup >/dev/null 2>&1 || true
fi
say "PostgreSQL, Redis and RabbitMQ are up"

# the preference centre is tested in a real headless Chromium (Debian's, with its driver)
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing chromium and chromium-driver (Debian packages) for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

say "offline checks of docker-compose.yml and infra/docker/Dockerfile"
bash infra/check-compose.sh

say "offline checks of the Kubernetes manifests (k8s/)"
bash infra/check-k8s.sh

say "offline checks of the monitoring component (alert rules and their tests, dashboard)"
bash infra/check-observability.sh

say "tests of the check programs (infra/checks/*.test.mjs, node --test)"
# npm packages and promtool come from infra/checks/tools.sh, as for the checks above: npm ci of
# infra/checks/package-lock.json into /tmp/relay-check-tools, never the repo
(cd infra/checks && npm test)

say "./mvnw verify"
./mvnw -B -ntp verify "$@"

if [ "$#" -eq 0 ]; then
  say "the images' AOT cache, trained and used as infra/docker/Dockerfile does (infra/docker/check-aot.sh)"
  bash infra/docker/check-aot.sh
else
  say "infra/docker/check-aot.sh skipped: it needs every service's jar, and Maven was given $*"
fi
