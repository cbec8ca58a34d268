import { ChassisError, serializeError } from './chassis-error.js';
import { isErrorCode } from './registry.js';

/** Where a driver call failed: what {@link wrapDriverError} names. */
export interface DriverCallSite {
  readonly driver: string;
  readonly version: string;
  /** `point.method` for an invocation, else the hook (`start`, `health`…). */
  readonly operation: string;
  /** The resource an invocation ran for. */
  readonly resource?: string;
}

/**
 * The one wrap of a driver call's error, the same in every tier (the loader's handle and the
 * kernel's test handle use it). Chassis errors with a registered code pass unchanged (the
 * loader's own faults, a deadline owner's `…_TIMEOUT`); anything else, a driver's own error,
 * becomes `CHASSIS_E_DRIVER_OPERATION_FAILED` naming driver, resource and operation, with the
 * driver's code in `details.errorCode` and its error as `cause`. Nothing above re-wraps it.
 */
export function wrapDriverError(err: unknown, site: DriverCallSite): ChassisError {
  const e = ChassisError.is(err) ? err : ChassisError.fromJSON(serializeError(err));
  if (isErrorCode(e.code) && e.code !== 'CHASSIS_E_UNKNOWN') return e;
  const on = site.resource === undefined ? '' : ` on resource "${site.resource}"`;
  return new ChassisError(
    'CHASSIS_E_DRIVER_OPERATION_FAILED',
    `driver ${site.driver}@${site.version}: ${site.operation}${on} threw ${e.name}: ${e.message}`,
    {
      details: {
        driver: site.driver,
        version: site.version,
        ...(site.resource === undefined ? {} : { resource: site.resource }),
        operation: site.operation,
        ...(e.code !== 'CHASSIS_E_UNKNOWN' ? { errorCode: e.code } : {}),
      },
      cause: e,
    },
  );
}
