#!/usr/bin/env bash
# The full kill -9 crash test of interrupted upgrades (issue 12.2): CI runs 3 trials, this runs
# CHASSIS_CRASH_TRIALS (default 50) against the built example management server.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHASSIS_CRASH_TRIALS="${CHASSIS_CRASH_TRIALS:-50}"
TURBO_TELEMETRY_DISABLED=1 pnpm turbo run build --filter @chassis/example-management-server...
pnpm vitest run test/upgrade-crash.spec.ts
