#!/usr/bin/env bash
# The whole suite: checks, unit and integration tests (SQLite and Postgres),
# then the browser tests. Needs Node 22+ and Yarn 4 on PATH (see bootstrap.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s\n' "$*"; }
# Each runner's JSON report, summed at the end by scripts/test-summary.mjs.
rm -rf test-results && mkdir -p test-results

step "type check (libraries' declarations too), lint, prettier"
yarn tsc:full
yarn lint:all
yarn lint:deps
yarn openapi:check
# The router's spec matches openapi.yaml. repo-tools imports router.ts and
# reads its CommonJS `default`, so it needs the CLI's TypeScript transform
# (Node's own type stripping would load it as an ES module).
NODE_OPTIONS='--require @backstage/cli/config/nodeTransform.cjs' \
  yarn backstage-repo-tools repo schema openapi validate
yarn prettier:check
yarn backstage-cli repo fix --publish --check

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
CI=true yarn test --json --outputFile=test-results/jest.json

step "browser tests (Debian's Chromium)"
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  [ "$(id -u)" = 0 ] || { echo "install Debian's chromium package (or set CHROMIUM_PATH)" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
CI=true yarn test:e2e

step "browser tests of the Kubernetes mode (scripts/kubernetes-demo.sh)"
# The embedded portal above is stopped; its ports must be free before the
# demo starts (Playwright would refuse, or the backend fail, otherwise).
for port in 3000 7007; do
  for _ in $(seq 60); do ss -Htln "sport = :$port" | grep -q . || break; sleep 0.5; done
  if ss -Htln "sport = :$port" | grep -q .; then echo "port $port is still in use" >&2; exit 1; fi
done
# The demo stops its API server when Playwright stops it; this covers a kill.
trap 'bash scripts/kubernetes-demo.sh stop; bash scripts/postgres.sh stop' EXIT
CI=true yarn test:e2e:kubernetes

step "install into a new app, as the READMEs say (scripts/test-install.sh)"
bash scripts/test-install.sh

# Services stop before the summary, so that its line is the last printed.
bash scripts/kubernetes-demo.sh stop
bash scripts/postgres.sh stop
trap - EXIT
step "summary"
node scripts/test-summary.mjs test-results
