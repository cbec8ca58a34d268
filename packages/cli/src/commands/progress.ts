import { type Connection, streamEvents } from './admin-client.js';
import { cliProgress } from './lazy.js';

/**
 * Runs long admin work (install, upgrade) with a progress bar on stderr that advances with the
 * driver's lifecycle events. Only on an interactive stderr and never with `--json`, so scripts
 * and pipes get clean output.
 */
export async function withProgress<T>(
  conn: Connection,
  driverId: string | undefined,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!process.stderr.isTTY || conn.json) return work();
  const { Presets, SingleBar } = await cliProgress();
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total} {state}`,
      clearOnComplete: true,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(8, 0, { state: '' });
  const abort = new AbortController();
  const events = streamEvents(
    conn,
    'lifecycle',
    (e) => {
      const ev = e.data as { driver?: string; version?: string; to?: string };
      if (!driverId || ev.driver === driverId) {
        bar.setTotal(Math.max(8, bar.getProgress() * 8 + 2));
        bar.increment(1, { state: `${ev.version ?? ''} ${ev.to ?? ''}` });
      }
      return undefined;
    },
    abort.signal,
  ).catch(() => {});
  try {
    const result = await work();
    bar.update(bar.getTotal());
    return result;
  } finally {
    abort.abort();
    bar.stop();
    await events;
  }
}
