#!/usr/bin/env bash
# Starts a throwaway PostgreSQL (Debian's package) on 127.0.0.1 for the tests.
# Prints the connection string on stdout. `scripts/postgres.sh stop` stops it.
set -euo pipefail
port="${KRATIX_PG_PORT:-55432}"
data="${KRATIX_PG_DATA:-/tmp/kratix-postgres}"
url="postgresql://postgres:postgres@127.0.0.1:${port}"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "${1:-start}" = stop ]; then
  [ -n "$bin" ] && [ -d "$data" ] && as_pg "$bin/pg_ctl" -D "$data" -m fast stop >&2 || true
  exit 0
fi
if [ -z "$bin" ]; then
  echo "postgres.sh: installing PostgreSQL from Debian's packages" >&2
  [ "$(id -u)" = 0 ] || { echo "postgres.sh: run as root or install postgresql" >&2; exit 1; }
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
if ! pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data" && mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres "$data"
    pw=$(mktemp) && echo postgres >"$pw" && chmod 644 "$pw"
    as_pg "$bin/initdb" -D "$data" -U postgres --pwfile="$pw" -A md5 >/dev/null
    rm -f "$pw"
  fi
  as_pg "$bin/pg_ctl" -D "$data" -w -l "$data/server.log" \
    -o "-h 127.0.0.1 -p $port -k /tmp -c max_connections=300 -c fsync=off" start >&2
fi
echo "$url"
