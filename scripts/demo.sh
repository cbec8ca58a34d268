#!/usr/bin/env bash
# Sets up a fresh clone and runs the demo management server end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
CHASSIS_SKIP_CHROMIUM=1 bash scripts/setup.sh
exec pnpm --silent --filter @chassis/example-management-server start
