import { driverKey } from '../descriptor/driver-descriptor.js';
import { ChassisError } from '../errors/chassis-error.js';

/** Which lifecycle step is running. */
export type LifecycleStep = 'start' | 'stop';

/** What a step's error names. */
export interface StepTarget {
  readonly id: string;
  readonly version: string;
}

/**
 * Runs one driver step with a deadline. The step gets an `AbortSignal` that aborts at the
 * deadline (its reason is the timeout error), and the returned promise settles then even if the
 * step ignores the signal: one hanging driver must not hold up the others.
 *
 * Rejects with `CHASSIS_E_LIFECYCLE_STEP_TIMEOUT` on the deadline and
 * `CHASSIS_E_LIFECYCLE_STEP_FAILED` (the thrown value kept as `cause`) when the step throws.
 */
export async function runStep(
  target: StepTarget,
  step: LifecycleStep,
  timeoutMs: number,
  fn: (signal: AbortSignal) => Promise<void> | void,
): Promise<void> {
  const name = driverKey(target);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ChassisError(
        'CHASSIS_E_LIFECYCLE_STEP_TIMEOUT',
        `Driver ${name} did not finish ${step} within ${timeoutMs} ms; check the driver's ${step}() honours its AbortSignal, or raise ${step}TimeoutMs.`,
        { details: { driver: target.id, version: target.version, step, timeoutMs } },
      );
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  // A step that settles after its deadline must not surface as an unhandled rejection.
  const work = Promise.resolve()
    .then(() => fn(controller.signal))
    .catch((cause: unknown) => {
      if (controller.signal.aborted) return;
      throw new ChassisError(
        'CHASSIS_E_LIFECYCLE_STEP_FAILED',
        `Driver ${name} failed to ${step}: ${messageOf(cause)}`,
        { details: { driver: target.id, version: target.version, step }, cause },
      );
    });
  try {
    await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

// Not `instanceof Error`: a driver's error may come from another realm (worker, vm context).
function messageOf(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'message' in value) {
    return String((value as { message: unknown }).message);
  }
  return String(value);
}
