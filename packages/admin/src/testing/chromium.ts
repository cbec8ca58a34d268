import { existsSync } from 'node:fs';

/** Debian's Chromium, installed by `scripts/setup.sh` (browser downloads are not possible here). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for headless Chromium in tests: no sandbox (we run as root in CI), and no background
 * networking, component updates or sync, whose connections this closed network refuses.
 */
export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/** True when {@link CHROMIUM_PATH} exists; browser tests skip (with a message) otherwise. */
export function chromiumAvailable(): boolean {
  const ok = existsSync(CHROMIUM_PATH);
  if (!ok) {
    console.warn(
      `browser test skipped: ${CHROMIUM_PATH} is missing (scripts/setup.sh installs Debian's chromium)`,
    );
  }
  return ok;
}
