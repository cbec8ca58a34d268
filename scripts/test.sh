#!/usr/bin/env bash
# The whole test suite: set-up, build, type check, lint, then every vitest test.
# Every stage runs even if an earlier check failed, so one run shows everything; the exit
# code is non-zero if any stage failed. Ends with "N passed, N failed" alone on a line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TURBO_TELEMETRY_DISABLED=1

status=0
pnpm turbo run typecheck --output-logs=errors-only || { echo "test: type check failed"; status=1; }
pnpm biome check . || { echo "test: lint/format check failed (fix with: pnpm format)"; status=1; }

mkdir -p .reports
rm -f .reports/vitest.json
pnpm vitest run --reporter=default --reporter=json --outputFile.json=.reports/vitest.json || status=1
node scripts/summarize-vitest.mjs .reports/vitest.json || status=1
exit "$status"
