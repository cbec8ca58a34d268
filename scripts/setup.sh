#!/usr/bin/env bash
# Sets up a fresh clone: the pinned pnpm, the locked dependencies, system packages the
# browser tests need, and a build of every package. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$want" ]; then
  echo "setup: installing pnpm@$want with npm"
  npm install --global --no-fund --no-audit "pnpm@$want" >/dev/null
fi

export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile

# The admin web UI is tested in a real headless Chromium from Debian (no browser downloads).
if [ "${CHASSIS_SKIP_CHROMIUM:-}" != "1" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's chromium for the web UI tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "setup: chromium could not be installed; browser tests will be skipped"
  else
    echo "setup: chromium not found and not root; browser tests will be skipped"
  fi
fi

# The shared-state (cluster) tests run a throwaway PostgreSQL from Debian (initdb + pg_ctl).
if [ "${CHASSIS_SKIP_POSTGRES:-}" != "1" ] && ! command -v initdb >/dev/null 2>&1 \
  && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's postgresql for the shared-state tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
      || echo "setup: postgresql could not be installed; PostgreSQL tests will be skipped"
  else
    echo "setup: postgresql not found and not root; PostgreSQL tests will be skipped"
  fi
fi

pnpm turbo run build --output-logs=errors-only
