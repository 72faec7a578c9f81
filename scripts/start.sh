#!/usr/bin/env bash
# Fresh machine → running demo portal: frontend on :3000, backend on :7007.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
source scripts/bubblewrap.sh
yarn install --immutable
# The demo keeps its engine in SQLite in memory: start its state store afresh too.
rm -rf .kratix-state-store
exec yarn start
