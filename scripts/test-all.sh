#!/usr/bin/env bash
# The whole suite: checks, unit and integration tests (SQLite and Postgres),
# then the browser tests. Needs Node 22+ and Yarn 4 on PATH (see bootstrap.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s\n' "$*"; }

step "type check, lint, prettier"
yarn tsc
yarn lint:all
yarn prettier:check

step "PostgreSQL for the integration tests"
BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$(bash scripts/postgres.sh)"
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
trap 'bash scripts/postgres.sh stop' EXIT

step "unit and integration tests"
CI=true yarn test

step "browser tests (Debian's Chromium)"
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  [ "$(id -u)" = 0 ] || { echo "install Debian's chromium package (or set CHROMIUM_PATH)" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
CI=true yarn test:e2e
