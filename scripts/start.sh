#!/usr/bin/env bash
# Fresh machine → running demo portal: frontend on :3000, backend on :7007.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
yarn install --immutable
exec yarn start
