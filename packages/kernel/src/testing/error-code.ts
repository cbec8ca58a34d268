import { ChassisError } from '../errors/chassis-error.js';
import type { ErrorCode } from '../errors/registry.js';

/**
 * The code of the {@link ChassisError} `fn` throws, or `undefined` when it returns. Anything
 * else it throws is rethrown, so that a test expecting a code fails with the real error.
 */
export function thrownCode(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    if (ChassisError.is(err)) return err.code;
    throw err;
  }
  return undefined;
}

/** {@link thrownCode} for a promise: the code it rejects with, `undefined` when it fulfils. */
export async function rejectionCode(promise: Promise<unknown>): Promise<ErrorCode | undefined> {
  try {
    await promise;
  } catch (err) {
    if (ChassisError.is(err)) return err.code;
    throw err;
  }
  return undefined;
}
