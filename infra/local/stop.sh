#!/usr/bin/env bash
# Stops what infra/local/run.sh started, by its pid files in .run/pids/.
#
# Usage: infra/local/stop.sh [--with-infra] [-h|--help]
#   --with-infra  also stop PostgreSQL, Redis and RabbitMQ, but only those that run.sh itself
#                 started (listed in .run/started-infra); by default they keep running, since
#                 tests and other work on this machine use them too.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="$ROOT/.run"
PID_DIR="$RUN_DIR/pids"

WITH_INFRA=no
for arg in "$@"; do
  case "$arg" in
    --with-infra) WITH_INFRA=yes ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
  esac
done

# Gateway first, so nothing new comes in; then the services together (each drains for up to
# its graceful-shutdown timeout); the simulators last.
PHASES=("gateway" "preference-service routing-service sms-service email-service push-service" "wiremock greenmail")

# our_pid NAME: the pid in NAME's pid file if it is a live java process (a stale pid may
# belong to something else by now); removes a stale pid file
our_pid() {
  local pidfile="$PID_DIR/$1.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q java; then
    echo "$pid"
  else
    echo "$1: not running (stale pid file)"  >&2
    rm -f "$pidfile"
    return 1
  fi
}

# stop_together NAME...: SIGTERM to each, then wait up to 40 s for all, then SIGKILL
stop_together() {
  local name pid waiting=()
  for name in "$@"; do
    pid="$(our_pid "$name")" || continue
    echo "$name: stopping pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    waiting+=("$name:$pid")
  done
  local deadline=$((SECONDS + 40)) entry left
  while ((${#waiting[@]})); do
    left=()
    for entry in "${waiting[@]}"; do
      if kill -0 "${entry#*:}" 2>/dev/null; then left+=("$entry"); else rm -f "$PID_DIR/${entry%%:*}.pid"; fi
    done
    waiting=(${left[@]+"${left[@]}"})
    ((${#waiting[@]})) || break
    if ((SECONDS >= deadline)); then
      for entry in "${waiting[@]}"; do
        echo "${entry%%:*}: still running after 40 s, killing"
        kill -KILL "${entry#*:}" 2>/dev/null || true
        rm -f "$PID_DIR/${entry%%:*}.pid"
      done
      break
    fi
    sleep 1
  done
}

if compgen -G "$PID_DIR/*.pid" >/dev/null; then
  for phase in "${PHASES[@]}"; do
    # shellcheck disable=SC2086 # a phase is a space-separated list of names
    stop_together $phase
  done
  # anything else run.sh may have left a pid file for
  for pidfile in "$PID_DIR"/*.pid; do
    [[ -e "$pidfile" ]] || continue
    stop_together "$(basename "$pidfile" .pid)"
  done
else
  echo "nothing to stop: no pid files in $PID_DIR"
fi

started="$RUN_DIR/started-infra"
if [[ -f "$started" ]]; then
  if [[ "$WITH_INFRA" == yes ]]; then
    while read -r what; do
      case "$what" in
        postgresql)
          echo "PostgreSQL: stopping"
          # shellcheck disable=SC2046 # one cluster version directory, as installed
          pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main stop || true
          ;;
        redis) echo "Redis: stopping"; redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true ;;
        rabbitmq) echo "RabbitMQ: stopping"; rabbitmqctl -q stop >/dev/null 2>&1 || true ;;
      esac
    done <"$started"
    rm -f "$started"
  else
    echo "left running (started by run.sh): $(paste -sd' ' "$started") — stop them with --with-infra"
  fi
fi
