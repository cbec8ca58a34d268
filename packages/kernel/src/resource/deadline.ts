import { ChassisError } from '../errors/chassis-error.js';

/**
 * A call's deadline as its one owner hands it down: a signal that aborts with a typed error at
 * `deadline` (epoch milliseconds), and `clear()` to disarm it once the call settled. Whoever
 * runs the call below (handle, executor, guest) only listens to the signal and may read the
 * deadline; none of them arms a timer of its own.
 */
export interface CallDeadline {
  readonly signal: AbortSignal;
  /** Absolute deadline, epoch ms (`Date.now()` clock, comparable across processes). */
  readonly deadline: number;
  /** Disarms the timer (idempotent); a caller abort still reaches the signal. */
  clear(): void;
}

/**
 * Arms one deadline `timeoutMs` from now: at expiry `signal` aborts with `reason()` (a typed
 * error, so that every layer below, across worker and process boundaries, sees the owner's
 * code). A `parent` signal (the caller's cancellation) aborts it too, with the parent's reason;
 * its listener is removed once the deadline is cleared or expired. For direct handle calls (see
 * {@link callDeadline}); a compartment's runs use its one reused `RunDeadline` instead.
 */
export function armDeadline(
  timeoutMs: number,
  reason: () => unknown,
  parent?: AbortSignal,
): CallDeadline {
  const controller = new AbortController();
  let onAbort: (() => void) | undefined;
  // A parent may outlive many calls (a connection's or an upgrade's signal): the listener
  // leaves it as soon as this deadline is settled, expired or cleared, so it never collects one
  // listener (and a settled call's closure) per call.
  const leave = () => {
    if (onAbort === undefined) return;
    parent?.removeEventListener('abort', onAbort);
    onAbort = undefined;
  };
  const timer = setTimeout(() => {
    leave();
    controller.abort(reason());
  }, timeoutMs);
  // Never keeps a process alive on its own: the call it guards does, while it is pending.
  timer.unref?.();
  if (parent?.aborted) {
    clearTimeout(timer);
    controller.abort(parent.reason);
  } else if (parent !== undefined) {
    onAbort = () => {
      onAbort = undefined;
      clearTimeout(timer);
      controller.abort(parent.reason);
    };
    parent.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    deadline: Date.now() + timeoutMs,
    clear: () => {
      clearTimeout(timer);
      leave();
    },
  };
}

/**
 * Options for a direct handle call (`start`, `health`, `invoke`… outside a compartment) with a
 * deadline `timeoutMs` from now, aborting with `CHASSIS_E_EXEC_TIMEOUT` naming `what`. The
 * caller owns the deadline: call `clear()` when the call settled (the timer is unref'd, so a
 * forgotten one never keeps a process alive).
 */
export function callDeadline(timeoutMs: number, what = 'driver call'): CallDeadline {
  const d = armDeadline(
    timeoutMs,
    () =>
      new ChassisError('CHASSIS_E_EXEC_TIMEOUT', `${what}: did not finish within ${timeoutMs} ms`, {
        details: { timeoutMs },
      }),
  );
  return d;
}
