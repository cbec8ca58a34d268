/** Something waiting for a signal to abort (an executor's job). */
export interface AbortWatcher {
  /** The signal aborted while this watcher was registered. */
  ownerAborted(reason: unknown): void;
}

/** Watchers of each signal; one listener per signal for the whole process. */
const watching = new WeakMap<AbortSignal, Set<AbortWatcher>>();

/**
 * Registers `watcher` for `signal`'s abort. Why not `addEventListener` per call: in Node an
 * EventTarget listener costs most of a microsecond to add and remove, about half the host-side
 * budget of a worker-tier call, and a compartment hands the same signal to call after call. So a
 * signal gets one listener the first time it is watched, kept for its life, and each call only
 * joins and leaves that signal's set. The listener holds the set alone: a long-lived signal keeps
 * one small empty set alive, never a settled call or its executor.
 */
export function watchAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  let set = watching.get(signal);
  if (set === undefined) {
    const watchers = new Set<AbortWatcher>();
    set = watchers;
    watching.set(signal, watchers);
    signal.addEventListener(
      'abort',
      () => {
        watching.delete(signal);
        const reason = signal.reason;
        for (const w of [...watchers]) w.ownerAborted(reason);
        watchers.clear();
      },
      { once: true },
    );
  }
  set.add(watcher);
}

/** Removes `watcher` (it settled); a no-op when it is not registered. */
export function unwatchAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  watching.get(signal)?.delete(watcher);
}
