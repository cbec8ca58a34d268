import { type DriverDescriptor, driverKey } from '../descriptor/driver-descriptor.js';
import type { ChassisError } from '../errors/chassis-error.js';
import type { ExtensionPoint } from './extension-point.js';
import {
  checkContractRange,
  duplicateProviderError,
  unknownPointError,
} from './provider-errors.js';

/**
 * Validates a descriptor's `provides` list against the points a server has, without binding
 * anything (pure: install-time checks and `chassis inspect` use it). Returns every problem:
 * `CHASSIS_E_EXT_UNKNOWN_POINT`, `CHASSIS_E_EXT_VERSION_MISMATCH` and
 * `CHASSIS_E_EXT_DUPLICATE_PROVIDER` (a point listed twice); empty when the list is fine.
 */
export function checkProvides(
  descriptor: Pick<DriverDescriptor, 'id' | 'version' | 'provides'>,
  points: ReadonlyMap<string, ExtensionPoint<unknown>>,
): ChassisError[] {
  const driver = driverKey(descriptor);
  const errors: ChassisError[] = [];
  const seen = new Set<string>();
  for (const entry of descriptor.provides) {
    if (seen.has(entry.point)) {
      errors.push(duplicateProviderError(driver, entry.point));
      continue;
    }
    seen.add(entry.point);
    const point = points.get(entry.point);
    if (!point) {
      errors.push(unknownPointError(driver, entry.point, [...points.keys()].sort()));
      continue;
    }
    const mismatch = checkContractRange(driver, point, entry.version);
    if (mismatch) errors.push(mismatch);
  }
  return errors;
}
