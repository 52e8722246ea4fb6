#!/usr/bin/env bash
# Install (Debian's package) and start a throw-away PostgreSQL server on loopback for the
# storage tests; print its URL on stdout. Idempotent: a running server is reused.
set -euo pipefail
PORT=${ROSTER_PG_PORT:-55432}
DIR=${ROSTER_PG_DIR:-/tmp/roster-pg}
URL="postgresql+psycopg://roster@127.0.0.1:${PORT}/roster_test"

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(bin_dir)" ]; then
  echo "installing PostgreSQL (Debian package)…" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi
BIN=$(bin_dir)
# the server refuses to run as root: as root, run it as the postgres user
AS=()
if [ "$(id -u)" = 0 ]; then AS=(runuser -u postgres --); fi
mkdir -p "$DIR"
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
if ! "${AS[@]}" "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    "${AS[@]}" "$BIN/initdb" -D "$DIR/data" -U roster -A trust >/dev/null
  fi
  "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 60 \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
    start >&2
fi
"${AS[@]}" "$BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U roster -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='roster_test'" | grep -q 1 \
  || "${AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U roster roster_test >&2
echo "$URL"
