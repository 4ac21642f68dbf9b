#!/usr/bin/env bash
# Brings the whole platform up on this machine without Docker, then sends a demo message.
#
# Usage: infra/local/run.sh [--no-build] [--no-demo] [-h|--help]
#   --no-build  use the jars under */target as they are (default: build when a pom or a
#               source file is newer than the jars, or a jar is missing)
#   --no-demo   bring everything up, send nothing
#
# What it does, in order:
#   1. starts PostgreSQL, Redis and RabbitMQ when they are not answering (local hosts only);
#   2. creates the databases preference and routing (infra/postgres/init.sql);
#   3. builds the jars (./mvnw -q -DskipTests package) unless told not to;
#   4. starts GreenMail (SMTP 127.0.0.1:2525, its API on 127.0.0.1:8025) and WireMock
#      (Twilio + FCM + OAuth2 token stubs from infra/wiremock, on 127.0.0.1:8089);
#   5. starts the six services as background java processes: logs in .run/logs/, pids in .run/pids/;
#   6. waits until each answers /actuator/health/readiness;
#   7. the demo: through the gateway, a customer, an e-mail message, its timeline until "sent",
#      and the mail as the SMTP server received it.
# A variable of the configuration contract that is already set is never overwritten: set
# e.g. SMTP_HOST or RABBITMQ_HOST before running to point the services elsewhere.
# Knobs of this script itself: LOCAL_WIREMOCK_PORT (8089), LOCAL_GREENMAIL_API_PORT (8025),
# LOCAL_READY_TIMEOUT seconds per service (240), LOCAL_JAVA_OPTS (JVM flags for the services).
#
# Stop everything it started: infra/local/stop.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="$ROOT/.run"
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"
TOOLS_DIR="$RUN_DIR/tools"

BUILD=auto
DEMO=yes
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=no ;;
    --no-demo) DEMO=no ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
  esac
done

# name, module directory, port — in start order
SERVICES=(preference-service routing-service sms-service email-service push-service gateway)
declare -A MODULE=(
  [gateway]=gateway
  [preference-service]=services/preference-service
  [routing-service]=services/routing-service
  [sms-service]=services/sms-service
  [email-service]=services/email-service
  [push-service]=services/push-service
)
declare -A PORT=(
  [gateway]=8080 [preference-service]=8081 [routing-service]=8082
  [sms-service]=8083 [email-service]=8084 [push-service]=8085
)

GREENMAIL_VERSION=2.1.8
WIREMOCK_VERSION=3.13.2
: "${LOCAL_WIREMOCK_PORT:=8089}"
: "${LOCAL_GREENMAIL_API_PORT:=8025}"
: "${LOCAL_READY_TIMEOUT:=240}"
: "${LOCAL_JAVA_OPTS:=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

jar_of() { echo "$ROOT/${MODULE[$1]}/target/$1.jar"; }
is_local_host() { [[ "$1" == localhost || "$1" == 127.0.0.1 || "$1" == ::1 ]]; }
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
# wait_for SECONDS COMMAND...: true once COMMAND succeeds, false after SECONDS
wait_for() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}
is_running() {
  local pidfile="$PID_DIR/$1.pid"
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}
# start_process NAME COMMAND...: runs COMMAND detached, log in .run/logs/NAME.log, pid in .run/pids/NAME.pid
start_process() {
  local name=$1; shift
  setsid nohup "$@" </dev/null >"$LOG_DIR/$name.log" 2>&1 &
  echo $! >"$PID_DIR/$name.pid"
}
json_field() { # json_field FIELD < json
  if command -v jq >/dev/null; then jq -r --arg f "$1" '.[$f] // empty'
  else python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print("" if v is None else v)' "$1"; fi
}
pretty() { if command -v jq >/dev/null; then jq .; else python3 -m json.tool; fi; }

cd "$ROOT"
mkdir -p "$LOG_DIR" "$PID_DIR" "$TOOLS_DIR"

# ---------------------------------------------------------------- Java 25
java_major() { # the feature release of a java binary: 25, 17, 8 (for 1.8)
  "$1" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1])}'
}
if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" ]] || (($(java_major "$JAVA_HOME/bin/java") < 25)); then
  JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
[[ -x "$JAVA_HOME/bin/java" ]] || die "no JDK 25: set JAVA_HOME (tried $JAVA_HOME)"
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
say "Java: $JAVA ($(java_major "$JAVA"))"

# ---------------------------------------------------------------- configuration (never overwrite)
: "${RABBITMQ_HOST:=localhost}" "${RABBITMQ_PORT:=5672}" "${RABBITMQ_USERNAME:=guest}" "${RABBITMQ_PASSWORD:=guest}" "${RABBITMQ_VHOST:=/}"
: "${REDIS_HOST:=localhost}" "${REDIS_PORT:=6379}"
: "${POSTGRES_USER:=postgres}"
: "${PREFERENCE_SERVICE_URL:=http://localhost:${PORT[preference-service]}}"
: "${ROUTING_SERVICE_URL:=http://localhost:${PORT[routing-service]}}"
: "${SMS_SERVICE_URL:=http://localhost:${PORT[sms-service]}}"
: "${PUBLIC_BASE_URL:=http://localhost:${PORT[gateway]}}"
: "${SPRING_PROFILES_ACTIVE:=local}" # a local run: its secrets may be the local defaults (libs/security)
: "${ADMIN_PORT:=8090}"               # the operator API (/admin/**) listens here only
: "${GATEWAY_ADMIN_URL:=http://localhost:$ADMIN_PORT}" # sms-service asks it which tenants send from a number
: "${ADMIN_TOKEN:=local-admin-token}"
: "${LINK_SIGNING_KEY:=local-link-signing-key-not-a-secret}"
: "${TWILIO_ACCOUNT_SID:=AC00000000000000000000000000000000}"
: "${TWILIO_AUTH_TOKEN:=00000000000000000000000000000000}"
: "${TWILIO_API_BASE_URL:=http://127.0.0.1:${LOCAL_WIREMOCK_PORT}}"
: "${TWILIO_FROM:=+15005550006}" # Twilio's test 'From' number; set your own number or MG… service sid
: "${SMTP_HOST:=localhost}" "${SMTP_PORT:=2525}" "${SMTP_STARTTLS:=false}"
: "${FCM_PROJECT_ID:=local-project}"
: "${FCM_API_BASE_URL:=http://127.0.0.1:${LOCAL_WIREMOCK_PORT}}"
: "${BOOTSTRAP_API_KEY:=local-dev-key}" "${BOOTSTRAP_TENANT_ID:=demo}"
export RABBITMQ_HOST RABBITMQ_PORT RABBITMQ_USERNAME RABBITMQ_PASSWORD RABBITMQ_VHOST
export REDIS_HOST REDIS_PORT POSTGRES_USER
export SPRING_PROFILES_ACTIVE ADMIN_PORT GATEWAY_ADMIN_URL
export PREFERENCE_SERVICE_URL ROUTING_SERVICE_URL SMS_SERVICE_URL PUBLIC_BASE_URL ADMIN_TOKEN LINK_SIGNING_KEY
export TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN TWILIO_API_BASE_URL TWILIO_FROM
export SMTP_HOST SMTP_PORT SMTP_STARTTLS
export FCM_PROJECT_ID FCM_API_BASE_URL BOOTSTRAP_API_KEY BOOTSTRAP_TENANT_ID
if [[ -n "${SERVER_PORT:-}" ]]; then
  die "SERVER_PORT is set ($SERVER_PORT): each service needs its own port; unset it for this script"
fi

# ---------------------------------------------------------------- 1. PostgreSQL, Redis, RabbitMQ
note_started() { grep -qx "$1" "$RUN_DIR/started-infra" 2>/dev/null || echo "$1" >>"$RUN_DIR/started-infra"; }

if [[ -n "${POSTGRES_URL:-}" ]]; then
  say "PostgreSQL: POSTGRES_URL is set, leaving the database to you ($POSTGRES_URL)"
else
  if ! pg_isready -q -h localhost -p 5432; then
    say "PostgreSQL: starting"
    # shellcheck disable=SC2046 # one cluster version directory, as installed
    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
    note_started postgresql
    wait_for 30 pg_isready -q -h localhost -p 5432 || die "PostgreSQL did not accept connections within 30 s"
  fi
  say "PostgreSQL: ready; databases gateway, preference and routing"
  psql -h localhost -U postgres -v ON_ERROR_STOP=1 -q -f infra/postgres/init.sql >/dev/null
fi

if ! is_local_host "$REDIS_HOST"; then
  say "Redis: REDIS_HOST=$REDIS_HOST, not starting a local one"
elif ! port_open 127.0.0.1 "$REDIS_PORT"; then
  say "Redis: starting"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  note_started redis
  wait_for 15 port_open 127.0.0.1 "$REDIS_PORT" || die "Redis did not answer on $REDIS_PORT within 15 s"
else
  say "Redis: ready"
fi

if ! is_local_host "$RABBITMQ_HOST"; then
  say "RabbitMQ: RABBITMQ_HOST=$RABBITMQ_HOST, not starting a local one"
elif ! port_open 127.0.0.1 "$RABBITMQ_PORT"; then
  say "RabbitMQ: starting"
  rabbitmq-server -detached
  note_started rabbitmq
  wait_for 90 port_open 127.0.0.1 "$RABBITMQ_PORT" || die "RabbitMQ did not answer on $RABBITMQ_PORT within 90 s"
  rabbitmqctl -q await_startup >/dev/null 2>&1 || true
else
  say "RabbitMQ: ready"
fi

# ---------------------------------------------------------------- 2. build
needs_build() {
  local oldest="" s jar
  for s in "${SERVICES[@]}"; do
    jar="$(jar_of "$s")"
    [[ -f "$jar" ]] || { info "missing $jar"; return 0; }
    if [[ -z "$oldest" || "$jar" -ot "$oldest" ]]; then oldest="$jar"; fi
  done
  local newer
  newer="$(find . \( -name .git -o -name .run -o -name target -o -name node_modules \) -prune -o \
    -type f \( -name pom.xml -o -path '*/src/*' -o -path './.mvn/*' \) -newer "$oldest" -print -quit)"
  [[ -n "$newer" ]] && info "$newer is newer than $oldest"
  [[ -n "$newer" ]]
}
if [[ "$BUILD" == no ]]; then
  say "Build: skipped (--no-build)"
  for s in "${SERVICES[@]}"; do [[ -f "$(jar_of "$s")" ]] || die "--no-build, but $(jar_of "$s") does not exist"; done
elif needs_build; then
  say "Build: ./mvnw -q -DskipTests package (a few minutes the first time)"
  ./mvnw -q -DskipTests package
else
  say "Build: jars are newer than the sources, nothing to build"
fi

# ---------------------------------------------------------------- 3. GreenMail and WireMock
tool_jar() { # tool_jar GROUP ARTIFACT VERSION: the jar in .run/tools, fetched by Maven once
  local jar="$TOOLS_DIR/$2-$3.jar"
  if [[ ! -f "$jar" ]]; then
    info "fetching $1:$2:$3 into .run/tools" >&2
    ./mvnw -q -N dependency:copy -Dartifact="$1:$2:$3" -DoutputDirectory="$TOOLS_DIR" >&2
  fi
  echo "$jar"
}
stop_stale() { # a pid file whose process is gone is removed, so it never points at another process
  local pidfile="$PID_DIR/$1.pid"
  if [[ -f "$pidfile" ]] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then rm -f "$pidfile"; fi
}
ensure_port_free() { # ensure_port_free NAME PORT
  if port_open 127.0.0.1 "$2"; then
    die "port $2 (for $1) is taken by another process: stop it or run infra/local/stop.sh ($(ss -ltnpH "sport = :$2" 2>/dev/null | awk 'NR == 1 {print $NF}'))"
  fi
}

if is_local_host "$SMTP_HOST"; then
  stop_stale greenmail
  if is_running greenmail; then
    say "GreenMail: already running (pid $(cat "$PID_DIR/greenmail.pid"))"
  else
    ensure_port_free "GreenMail SMTP" "$SMTP_PORT"
    ensure_port_free "GreenMail API" "$LOCAL_GREENMAIL_API_PORT"
    greenmail_jar="$(tool_jar com.icegreen greenmail-standalone "$GREENMAIL_VERSION")"
    say "GreenMail: SMTP 127.0.0.1:$SMTP_PORT, API http://127.0.0.1:$LOCAL_GREENMAIL_API_PORT"
    # greenmail.hostname also turns on its HTTP API; its default port (8080) is the gateway's.
    start_process greenmail "$JAVA" -Dgreenmail.hostname=127.0.0.1 -Dgreenmail.smtp.port="$SMTP_PORT" \
      -Dgreenmail.api.port="$LOCAL_GREENMAIL_API_PORT" -Dgreenmail.auth.disabled -jar "$greenmail_jar"
  fi
else
  say "SMTP: SMTP_HOST=$SMTP_HOST, not starting GreenMail"
fi

stop_stale wiremock
if is_running wiremock; then
  say "WireMock: already running (pid $(cat "$PID_DIR/wiremock.pid"))"
else
  ensure_port_free WireMock "$LOCAL_WIREMOCK_PORT"
  wiremock_jar="$(tool_jar org.wiremock wiremock-standalone "$WIREMOCK_VERSION")"
  say "WireMock: Twilio and FCM stubs on http://127.0.0.1:$LOCAL_WIREMOCK_PORT"
  start_process wiremock "$JAVA" -jar "$wiremock_jar" --bind-address 127.0.0.1 --port "$LOCAL_WIREMOCK_PORT" \
    --root-dir "$ROOT/infra/wiremock" --disable-banner
fi

if [[ -z "${FCM_CREDENTIALS_FILE:-}" ]]; then
  FCM_CREDENTIALS_FILE="$RUN_DIR/fcm-service-account.json"
  token_uri="http://127.0.0.1:$LOCAL_WIREMOCK_PORT/token"
  if ! grep -q "\"token_uri\": \"$token_uri\"" "$FCM_CREDENTIALS_FILE" 2>/dev/null; then
    "$JAVA" "$ROOT/infra/local/FakeFcmServiceAccount.java" "$FCM_CREDENTIALS_FILE" "$token_uri" "$FCM_PROJECT_ID" >/dev/null
  fi
fi
export FCM_CREDENTIALS_FILE

if is_local_host "$SMTP_HOST"; then
  wait_for 60 curl -fs -o /dev/null "http://127.0.0.1:$LOCAL_GREENMAIL_API_PORT/api/service/readiness" ||
    die "GreenMail not ready within 60 s; see $LOG_DIR/greenmail.log"
fi
wait_for 60 curl -fs -o /dev/null "http://127.0.0.1:$LOCAL_WIREMOCK_PORT/__admin/health" ||
  die "WireMock not ready within 60 s; see $LOG_DIR/wiremock.log"

# ---------------------------------------------------------------- 4. the services
for s in "${SERVICES[@]}"; do
  stop_stale "$s"
  if is_running "$s"; then
    say "$s: already running (pid $(cat "$PID_DIR/$s.pid")); infra/local/stop.sh first to restart it"
    continue
  fi
  ensure_port_free "$s" "${PORT[$s]}"
  extra_env=()
  case "$s" in
    gateway | preference-service | routing-service)
      # one contract variable, three databases: set per process unless the operator set it
      [[ -n "${POSTGRES_URL:-}" ]] || extra_env+=("POSTGRES_URL=jdbc:postgresql://localhost:5432/${s%-service}")
      ;;
  esac
  say "$s: starting on :${PORT[$s]} (log .run/logs/$s.log)"
  # shellcheck disable=SC2086 # LOCAL_JAVA_OPTS is a list of flags
  start_process "$s" env "${extra_env[@]}" "$JAVA" $LOCAL_JAVA_OPTS -jar "$(jar_of "$s")"
done

# ---------------------------------------------------------------- 5. readiness
say "Waiting for readiness (up to ${LOCAL_READY_TIMEOUT}s each)"
for s in "${SERVICES[@]}"; do
  url="http://localhost:${PORT[$s]}/actuator/health/readiness"
  deadline=$((SECONDS + LOCAL_READY_TIMEOUT))
  until curl -fs -o /dev/null --max-time 3 "$url"; do
    if ! is_running "$s"; then
      tail -n 40 "$LOG_DIR/$s.log" >&2 || true
      die "$s exited while starting; its log: $LOG_DIR/$s.log"
    fi
    if ((SECONDS >= deadline)); then
      die "$s is not ready after ${LOCAL_READY_TIMEOUT}s ($url); its log: $LOG_DIR/$s.log — infra/local/stop.sh stops the rest"
    fi
    sleep 2
  done
  info "$s ready ($url)"
done

GATEWAY="http://localhost:${PORT[gateway]}"
summary() {
  say "Up"
  info "gateway         $GATEWAY   (Authorization: Bearer $BOOTSTRAP_API_KEY)"
  info "operator API    http://localhost:$ADMIN_PORT/admin/tenants   (Authorization: Bearer $ADMIN_TOKEN)"
  is_local_host "$SMTP_HOST" && info "GreenMail API   http://127.0.0.1:$LOCAL_GREENMAIL_API_PORT/api/user/<address>/messages/"
  info "WireMock        http://127.0.0.1:$LOCAL_WIREMOCK_PORT/__admin/requests"
  info "logs            $LOG_DIR/"
  info "stop            infra/local/stop.sh"
}
if [[ "$DEMO" == no ]]; then
  summary
  exit 0
fi

# ---------------------------------------------------------------- 6. the demo
BODY_FILE="$RUN_DIR/demo-response.json"
# call METHOD PATH [JSON] [extra curl args...]: prints the HTTP status, the body goes to $BODY_FILE
call() {
  local method=$1 path=$2 body=${3:-}
  shift $(($# < 3 ? $# : 3))
  local args=(-sS -o "$BODY_FILE" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $BOOTSTRAP_API_KEY")
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  curl "${args[@]}" "$@" "$GATEWAY$path"
}
expect_2xx() { # expect_2xx STATUS WHAT
  if [[ "$1" != 2?? ]]; then
    cat "$BODY_FILE" >&2 || true
    echo >&2
    die "$2 answered HTTP $1"
  fi
}

say "Demo 1/4: PUT /v1/categories/appointments"
status="$(call PUT /v1/categories/appointments '{"description":"Appointment reminders","kind":"transactional","defaultChannels":["email","sms","push"],"urgentAllowed":true}')"
expect_2xx "$status" "PUT /v1/categories/appointments"
info "HTTP $status"

say "Demo 2/4: PUT /v1/customers/c-42"
status="$(call PUT /v1/customers/c-42 '{"email":"ana@example.org","timeZone":"Europe/Amsterdam","locale":"nl-NL","attributes":{"firstName":"Ana"}}')"
expect_2xx "$status" "PUT /v1/customers/c-42"
info "HTTP $status"

say "Demo 3/4: POST /v1/messages"
status="$(call POST /v1/messages '{"customerId":"c-42","category":"appointments","content":{"email":{"subject":"Your appointment","text":"See you at 09:30","html":"<p>See you at <b>09:30</b></p>"}}}' \
  -H "Idempotency-Key: demo-$(date +%s)-$RANDOM")"
expect_2xx "$status" "POST /v1/messages"
message_id="$(json_field id <"$BODY_FILE")"
[[ -n "$message_id" ]] || die "POST /v1/messages answered $status without an id: $(cat "$BODY_FILE")"
info "HTTP $status, message $message_id"

say "Demo 4/4: GET /v1/messages/$message_id until it is sent (30 s at most)"
deadline=$((SECONDS + 30))
message_status=""
while :; do
  status="$(call GET "/v1/messages/$message_id")"
  expect_2xx "$status" "GET /v1/messages/$message_id"
  message_status="$(json_field status <"$BODY_FILE")"
  case "$message_status" in
    sent | delivered | failed | suppressed | expired | cancelled) break ;;
  esac
  ((SECONDS < deadline)) || break
  sleep 1
done
pretty <"$BODY_FILE"
[[ "$message_status" == sent || "$message_status" == delivered ]] ||
  die "message $message_id is '$message_status', not sent; logs: $LOG_DIR/routing-service.log, $LOG_DIR/email-service.log"

if is_local_host "$SMTP_HOST"; then
  say "What the SMTP server (GreenMail) received for ana@example.org"
  mails="$RUN_DIR/demo-mails.json"
  curl -fsS "http://127.0.0.1:$LOCAL_GREENMAIL_API_PORT/api/user/ana@example.org/messages/" >"$mails" ||
    die "GreenMail has no mailbox for ana@example.org; see $LOG_DIR/email-service.log"
  if command -v jq >/dev/null; then
    count="$(jq length "$mails")"
    last="$(jq -r '.[-1].mimeMessage' "$mails")"
  else
    count="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$mails")"
    last="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[-1]["mimeMessage"])' "$mails")"
  fi
  info "$count message(s) in the mailbox; the last one as received:"
  printf '%s\n' "$last" | tr -d '\r' | sed -n '1,40s/^/    | /p'
fi

summary
