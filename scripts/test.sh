#!/usr/bin/env bash
# The whole test suite: set-up, build, type check, lint, then every vitest test.
# Ends with "N passed, N failed" alone on a line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TURBO_TELEMETRY_DISABLED=1

pnpm turbo run typecheck --output-logs=errors-only
pnpm biome check .

mkdir -p .reports
rm -f .reports/vitest.json
status=0
pnpm vitest run --reporter=default --reporter=json --outputFile.json=.reports/vitest.json || status=$?
node scripts/summarize-vitest.mjs .reports/vitest.json || status=1
exit "$status"
