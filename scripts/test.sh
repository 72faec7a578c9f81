#!/usr/bin/env bash
# Fresh machine → the whole test suite. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
source scripts/bubblewrap.sh
yarn install --immutable
yarn test:all
