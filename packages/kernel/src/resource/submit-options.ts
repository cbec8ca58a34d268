import type { ChassisError } from '../errors/chassis-error.js';
import { resourceErrors } from './errors.js';
import type { CompartmentState, Resource, SubmitOptions } from './resource.js';

/** True for a thenable; a hostile `then` getter may throw, so call it inside a `try`. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/** A duration option: absent, or a finite number ≥ 0. */
export function checkMs(value: number | undefined): boolean {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value) && value >= 0);
}

/**
 * Admission of one submitted operation: why it is refused before it is queued (a closed
 * compartment, a malformed duration, a caller signal already aborted), or `undefined`.
 */
export function refuseSubmit(
  at: { readonly resource: Resource; readonly name: string; readonly state: CompartmentState },
  { signal, suspendTimeoutMs, timeoutMs }: SubmitOptions,
): ChassisError | undefined {
  const { id } = at.resource;
  if (at.state === 'closed') return resourceErrors.closed(id, at.name);
  if (!checkMs(suspendTimeoutMs))
    return resourceErrors.invalidOption(id, at.name, 'suspendTimeoutMs', suspendTimeoutMs);
  if (!checkMs(timeoutMs)) return resourceErrors.invalidOption(id, at.name, 'timeoutMs', timeoutMs);
  if (signal?.aborted) return resourceErrors.aborted(id, at.name, signal.reason);
  return undefined;
}
