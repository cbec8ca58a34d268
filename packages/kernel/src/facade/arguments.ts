import { ChassisError } from '../errors/chassis-error.js';

/**
 * Throws `CHASSIS_E_FACADE_INVALID_ARGUMENT` naming the argument when `ok` is false. Facades
 * check what no driver can sensibly accept (an empty id, a negative size) before a call is
 * queued, so a caller's bug never reaches a vendor's device.
 */
export function requireArgument(
  ok: boolean,
  argument: string,
  expected: string,
  operation: string,
): asserts ok {
  if (!ok) {
    throw new ChassisError(
      'CHASSIS_E_FACADE_INVALID_ARGUMENT',
      `${operation}: ${argument} must be ${expected}.`,
      { details: { operation, argument, expected } },
    );
  }
}

/** True for a non-empty string (ids, names). */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/** True for a safe positive integer (sizes in bytes, IOPS, CPU counts). */
export function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
