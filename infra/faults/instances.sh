#!/usr/bin/env bash
# The fault suite's own RabbitMQ node and Redis, on other ports, so that restarting them never
# touches the machine's broker or cache. Loopback only; data under /tmp/relay-faults.
#
# Usage: infra/faults/instances.sh start|stop|restart-broker|restart-redis
#   RabbitMQ node faults@localhost on 127.0.0.1:5673 (distribution 25673), guest/guest, vhost /
#   Redis on 127.0.0.1:6391 with its append-only file, as compose and k8s run it
set -euo pipefail
DIR=/tmp/relay-faults
RABBIT_PORT=5673
REDIS_PORT=6391
NODE=faults@localhost

as_rabbitmq() { runuser -u rabbitmq -- env HOME=/var/lib/rabbitmq "$@"; }

broker_start() {
  mkdir -p "$DIR/rabbitmq/mnesia" "$DIR/rabbitmq/log"
  printf 'listeners.tcp.local = 127.0.0.1:%s\n' "$RABBIT_PORT" >"$DIR/rabbitmq/rabbitmq.conf"
  echo '[].' >"$DIR/rabbitmq/enabled_plugins"
  chown -R rabbitmq:rabbitmq "$DIR/rabbitmq"
  as_rabbitmq RABBITMQ_NODENAME=$NODE RABBITMQ_NODE_PORT=$RABBIT_PORT RABBITMQ_DIST_PORT=25673 \
    RABBITMQ_CONFIG_FILE="$DIR/rabbitmq/rabbitmq.conf" RABBITMQ_MNESIA_BASE="$DIR/rabbitmq/mnesia" \
    RABBITMQ_LOG_BASE="$DIR/rabbitmq/log" RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/rabbitmq/enabled_plugins" \
    RABBITMQ_PID_FILE="$DIR/rabbitmq/pid" /usr/lib/rabbitmq/bin/rabbitmq-server -detached >/dev/null 2>&1
  for _ in $(seq 1 60); do
    as_rabbitmq rabbitmqctl -q -n $NODE await_startup >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "RabbitMQ node $NODE did not start; see $DIR/rabbitmq/log" >&2
  return 1
}

broker_stop() { as_rabbitmq rabbitmqctl -q -n $NODE shutdown >/dev/null 2>&1 || true; }

redis_start() {
  mkdir -p "$DIR/redis"
  redis-server --bind 127.0.0.1 --port $REDIS_PORT --dir "$DIR/redis" --appendonly yes --save "" \
    --daemonize yes --pidfile "$DIR/redis/pid" --logfile "$DIR/redis/log"
  for _ in $(seq 1 30); do redis-cli -p $REDIS_PORT ping >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "Redis on $REDIS_PORT did not start" >&2
  return 1
}

redis_stop() { redis-cli -p $REDIS_PORT shutdown >/dev/null 2>&1 || true; sleep 0.5; }

case "${1:-}" in
  start) rm -rf "$DIR"; broker_start; redis_start ;;
  stop) broker_stop; redis_stop ;;
  restart-broker) broker_stop; broker_start ;;
  restart-redis) redis_stop; redis_start ;;
  *) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 2 ;;
esac
