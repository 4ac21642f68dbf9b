#!/usr/bin/env bash
# PostgreSQL alone on one message's statements (infra/bench/postgres-message.sql) in a scratch
# database with routing-service's schema (its Flyway migrations, applied in order): messages a second
# and PostgreSQL's CPU and WAL per message (the postmaster and its backends, from /proc; pg_stat_wal
# counts the whole server, so run it on an otherwise idle one), beside the
# platform's figure in docs/benchmarks.md. Needs pgbench and psql; drops its database at the end.
#
# Usage: infra/bench/postgres.sh [clients, default 8] [seconds, default 20]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLIENTS="${1:-8}"
SECONDS_TO_RUN="${2:-20}"
DB="relay_pgbench_$$"
PSQL=(psql -h 127.0.0.1 -U postgres -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "CREATE DATABASE $DB"
trap '"${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB" >/dev/null' EXIT
for f in $(ls "$ROOT"/services/routing-service/src/main/resources/db/migration/V*.sql | sort -V); do
  "${PSQL[@]}" -d "$DB" -f "$f" >/dev/null
done
PM=$(head -1 "$(psql -h 127.0.0.1 -U postgres -Atc 'SHOW data_directory')/postmaster.pid")
# clock ticks of the postmaster, its reaped children and its live children
ticks() {
  local t=0 p s
  for p in $PM $(pgrep -P "$PM"); do
    s=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
    set -- $s
    if [ "$p" = "$PM" ]; then t=$((t + ${12} + ${13} + ${14} + ${15})); else t=$((t + ${12} + ${13})); fi
  done
  echo $t
}
# a first 5 s fills the tables, then ANALYZE: an empty table's plans (sequential scans) are not those
# of a production database, whose tables autovacuum analyses as they grow (this machine's PostgreSQL
# runs with autovacuum off, so the load suite's tables are never analysed during a run)
pgbench -h 127.0.0.1 -U postgres -n -c "$CLIENTS" -j 2 -T 5 -f "$ROOT/infra/bench/postgres-message.sql" "$DB" >/dev/null 2>&1
"${PSQL[@]}" -d "$DB" -c "ANALYZE"
wal() { psql -h 127.0.0.1 -U postgres -Atc "SELECT wal_records || ' ' || wal_bytes FROM pg_stat_wal"; }
wal_before=$(wal)
before=$(ticks)
out=$(pgbench -h 127.0.0.1 -U postgres -n -c "$CLIENTS" -j 2 -T "$SECONDS_TO_RUN" -f "$ROOT/infra/bench/postgres-message.sql" "$DB" 2>&1)
sleep 0.5
after=$(ticks)
wal_after=$(wal)
messages=$(echo "$out" | awk '/actually processed/ {print $NF}')
tps=$(echo "$out" | awk '/^tps/ {print $3}')
echo "postgres alone, $CLIENTS clients, ${SECONDS_TO_RUN} s: $messages messages, $tps a second," \
  "$(awk -v t=$((after - before)) -v n="$messages" 'BEGIN {printf "%.2f", t * 10 / n}') ms of PostgreSQL CPU per message," \
  "$(echo "$wal_before $wal_after" | awk -v n="$messages" '{printf "%.1f WAL records and %.0f WAL bytes", ($3 - $1) / n, ($4 - $2) / n}') per message"
