import { serializeError } from '@chassis/kernel';
import type { ManagementRuntime, UpdateNotice } from '@chassis/runtime';

/** One update notice as the server prints it (tests parse these lines). */
export function formatUpdate(n: UpdateNotice): string {
  return `  update     ${n.category.padEnd(10)} ${n.id} ${n.installed} → ${n.available} available`;
}

/**
 * Prints the runtime's update notices whenever the list changes (after a check on demand, e.g.
 * `POST /api/updates/check`, or a periodic one), checks once now, after every successful
 * install/upgrade/rollback/uninstall, and every `intervalMs` when given. A failed check is printed and the last good list kept. `stop()` ends it.
 */
export function watchUpdates(
  runtime: ManagementRuntime,
  print: (line: string) => void,
  intervalMs?: number,
): { stop(): void } {
  let last = '[]';
  const subscription = runtime.updates$.subscribe((notices) => {
    const now = JSON.stringify(notices);
    if (now === last) return;
    last = now;
    if (notices.length === 0) print('  update     every installed driver is the newest compatible');
    for (const n of notices) print(formatUpdate(n));
  });
  const check = () =>
    void runtime.checkUpdates().catch((err: unknown) => {
      const e = serializeError(err);
      print(`  ✗ update check failed: ${e.code} ${e.message}`);
    });
  check();
  // A finished upgrade, install or uninstall changes what is installed: refresh the list so
  // that it never shows an update that was just applied.
  const changes = runtime.upgrades$.subscribe((r) => {
    if (r.result === 'succeeded') check();
  });
  const timer = intervalMs ? setInterval(check, intervalMs) : undefined;
  // The server runs until a signal; the timer must not be what keeps it alive.
  timer?.unref();
  return {
    stop() {
      if (timer) clearInterval(timer);
      subscription.unsubscribe();
      changes.unsubscribe();
    },
  };
}
