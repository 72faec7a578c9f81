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

step "a real Kubernetes API server for the Kubernetes mode's tests"
# The shared test tool beside the repository (../shared, as CI lays it out);
# cached in ~/.cache/kube-test after the first install.
KRATIX_SHARED_DIR="${KRATIX_SHARED_DIR:-$(cd .. && pwd)/shared}"
export KRATIX_SHARED_DIR
bash "$KRATIX_SHARED_DIR/tools/kube-test-cluster.sh" install

step "unit and integration tests"
CI=true yarn test

step "browser tests (Debian's Chromium)"
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  [ "$(id -u)" = 0 ] || { echo "install Debian's chromium package (or set CHROMIUM_PATH)" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
CI=true yarn test:e2e
