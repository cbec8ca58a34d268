import semver from 'semver';
import { ChassisError } from '../errors/chassis-error.js';
import type { ExtensionPoint } from './extension-point.js';

/**
 * `undefined` when a provider declaring `range` can serve `point`; otherwise a
 * `CHASSIS_E_EXT_VERSION_MISMATCH` naming the driver, point, range and host version.
 */
export function checkContractRange(
  driver: string,
  point: ExtensionPoint<unknown>,
  range: string,
): ChassisError | undefined {
  const details = { driver, point: point.id, range, hostVersion: point.version };
  if (semver.validRange(range) === null) {
    return new ChassisError(
      'CHASSIS_E_EXT_VERSION_MISMATCH',
      `Driver "${driver}" declares extension point "${point.id}" with contract range "${range}", ` +
        `which is not a semver range; fix "provides" in its driver.yaml (e.g. "^${semver.major(point.version)}.0.0")`,
      { details },
    );
  }
  if (semver.satisfies(point.version, range)) return undefined;
  return new ChassisError(
    'CHASSIS_E_EXT_VERSION_MISMATCH',
    `Driver "${driver}" implements extension point "${point.id}" ${range}, but this server ` +
      `speaks ${point.id} ${point.version}; install a driver version built for ` +
      `${point.id} ${point.version} or run a server whose contract is in ${range}`,
    { details },
  );
}

export function unknownPointError(driver: string | undefined, pointId: string, known: string[]) {
  return new ChassisError(
    'CHASSIS_E_EXT_UNKNOWN_POINT',
    `${driver ? `Driver "${driver}" provides` : 'Lookup of'} extension point "${pointId}", which ` +
      `this server does not have (known: ${known.join(', ') || 'none'}); check the point id or ` +
      'install the package that registers it',
    { details: { ...(driver ? { driver } : {}), point: pointId, known } },
  );
}

export function duplicateProviderError(driver: string, pointId: string): ChassisError {
  return new ChassisError(
    'CHASSIS_E_EXT_DUPLICATE_PROVIDER',
    `Driver "${driver}" already provides extension point "${pointId}"; list each point once ` +
      'in driver.yaml and unbind a driver version before binding it again',
    { details: { driver, point: pointId } },
  );
}
