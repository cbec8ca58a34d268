import semver from 'semver';
import { type DriverDescriptor, driverKey } from '../descriptor/driver-descriptor.js';
import { ChassisError } from '../errors/chassis-error.js';
import type { ExtensionPoint } from './extension-point.js';
import {
  checkContractRange,
  duplicateProviderError,
  unknownPointError,
} from './provider-errors.js';

/*
 * The one compatibility module: whether a driver version fits this host's contracts
 * (`checkProvides`, at install) and whether resources may move between two versions
 * (`checkContractUpgrade`, at upgrade and rollback). Pure.
 */

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

function major(range: string): number | undefined {
  try {
    return semver.minVersion(range)?.major;
  } catch {
    // Not a semver range: no major to compare; the descriptor schema reports the range itself.
    return undefined;
  }
}

/**
 * Decides whether resources served by `from` may move to `to`. Within one contract major any
 * version may replace any other (both directions: rollbacks too). Across majors the new version
 * must declare, in `provides[].handles`, a range covering the old contract; a contract the
 * old version provided and the new one drops is refused as well. Pure.
 */
export function checkContractUpgrade(
  from: Pick<DriverDescriptor, 'id' | 'version' | 'provides'>,
  to: Pick<DriverDescriptor, 'id' | 'version' | 'provides'>,
): ChassisError | undefined {
  for (const old of from.provides) {
    const next = to.provides.find((p) => p.point === old.point);
    if (!next) {
      return new ChassisError(
        'CHASSIS_E_UPGRADE_CONTRACT_MAJOR',
        `${to.id}@${to.version} no longer provides "${old.point}", which ${from.id}@${from.version} provides; resources cannot move to it`,
        {
          details: {
            driver: to.id,
            from: from.version,
            to: to.version,
            point: old.point,
            reason: 'dropped',
          },
        },
      );
    }
    const a = major(old.version);
    const b = major(next.version);
    if (a === b) continue;
    const handled = (next.handles ?? []).some((h) => {
      try {
        return semver.intersects(h, old.version);
      } catch {
        // An unparsable `handles` entry covers nothing.
        return false;
      }
    });
    if (!handled) {
      return new ChassisError(
        'CHASSIS_E_UPGRADE_CONTRACT_MAJOR',
        `${to.id}@${to.version} implements "${old.point}" ${next.version} but ${from.version} implements ${old.version}: a contract major change needs "handles: ['${old.version}']" in the new driver.yaml`,
        {
          details: {
            driver: to.id,
            from: from.version,
            to: to.version,
            point: old.point,
            oldRange: old.version,
            newRange: next.version,
          },
        },
      );
    }
  }
  return undefined;
}
