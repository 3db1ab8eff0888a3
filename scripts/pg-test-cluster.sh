#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the server's tests, on a loopback
# port, and prints its URL on stdout (the only line printed there).
#
#   scripts/pg-test-cluster.sh          # start (or reuse) and print the URL
#   scripts/pg-test-cluster.sh stop     # stop it
#
# Idempotent: a cluster that is already running is reused. Installs Debian's
# postgresql when initdb/pg_ctl are missing. PostgreSQL refuses to run as
# root, so the cluster runs as the `postgres` user when we are root.
# Environment: WCC_PG_DIR (default /tmp/wcc-pg-test), WCC_PG_PORT (55432).
set -euo pipefail

DIR="${WCC_PG_DIR:-/tmp/wcc-pg-test}"
PORT="${WCC_PG_PORT:-55432}"
DB=wcc_test
URL="postgres://postgres@127.0.0.1:${PORT}/${DB}"

log() { echo "pg-test-cluster: $*" >&2; }

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
    fi
  done | sort -V | tail -n 1
}

BIN="$(find_bin)"
if [ -z "$BIN" ]; then
  log "installing postgresql (initdb/pg_ctl not found)"
  if [ "$(id -u)" -ne 0 ]; then
    log "not root: install postgresql first (apt-get install -y postgresql)"
    exit 1
  fi
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
  BIN="$(find_bin)"
  [ -n "$BIN" ] || { log "postgresql installed but initdb not found"; exit 1; }
fi

# Run a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "${1:-start}" = "stop" ]; then
  if [ -f "$DIR/data/postmaster.pid" ]; then
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >&2 || true
  fi
  exit 0
fi

mkdir -p "$DIR"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$DIR"
fi

if [ ! -f "$DIR/data/PG_VERSION" ]; then
  log "creating a cluster in $DIR/data"
  rm -rf "$DIR/data"
  as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >&2
fi

if ! as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  log "starting on 127.0.0.1:$PORT"
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c max_connections=200 -c fsync=off" start >&2
fi

# The test database (idempotent).
if ! as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB" >&2
fi

# Databases the previous test runs created (one per test) are dropped.
old="$(as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
  "SELECT datname FROM pg_database WHERE datname LIKE 'wcc\\_t\\_%'")"
for db in $old; do
  as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db\"" >&2
done

echo "$URL"
