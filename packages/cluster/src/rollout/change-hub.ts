import type { ChangeEvent } from '@chassis/state-postgres';

/** A listener of {@link ChangeHub}. */
export type ChangeListener = (event: ChangeEvent) => void;

/**
 * Fans one `ChangeFeed` out to every part of a member that waits for state changes (the
 * rollout worker, the coordinator's waits): pass `hub.emit` as the feed's `onChange`. A
 * listener that throws is isolated from the others.
 */
export class ChangeHub {
  readonly #listeners = new Set<ChangeListener>();

  /** Delivers one event to every listener (bound: usable as a callback). */
  readonly emit = (event: ChangeEvent): void => {
    for (const l of [...this.#listeners]) {
      try {
        l(event);
      } catch {
        // A listener's own fault; the others still get the event, and polling heals it.
      }
    }
  };

  /** Subscribes; returns the unsubscribe function. */
  on(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Re-check on every change of this key (and on every reconcile). */
  readonly hub?: ChangeHub;
  readonly key?: string;
  /** Re-check at least this often (the fallback for a missed notification). */
  readonly pollMs: number;
  /** Give up after this long: resolves `undefined`. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Bounded wait: runs `check` now, on every notification of `key`, and every `pollMs`, until it
 * returns a value; `undefined` after `timeoutMs` or when `signal` aborts. Never two checks at
 * once; a failing check (database briefly unreachable) counts as "not yet".
 */
export function waitFor<T>(
  check: () => Promise<T | undefined>,
  o: WaitOptions,
): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve) => {
    let done = false;
    let busy = false;
    let again = false;
    const finish = (v: T | undefined) => {
      if (done) return;
      done = true;
      clearInterval(poll);
      clearTimeout(timer);
      off?.();
      o.signal?.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const run = () => {
      if (done) return;
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      check().then(
        (v) => {
          busy = false;
          if (v !== undefined) finish(v);
          else if (again) {
            again = false;
            run();
          }
        },
        () => {
          busy = false;
          // Not yet: the next poll or notification checks again.
        },
      );
    };
    const onAbort = () => finish(undefined);
    const off = o.hub?.on((e) => {
      if (e.kind === 'reconcile' || e.key === o.key) run();
    });
    const poll = setInterval(run, o.pollMs);
    const timer = setTimeout(() => finish(undefined), o.timeoutMs);
    if (o.signal?.aborted) return finish(undefined);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    run();
  });
}
