import { ChassisError, type DriverDescriptor } from '@chassis/kernel';
import semver from 'semver';

function major(range: string): number | undefined {
  try {
    return semver.minVersion(range)?.major;
  } catch {
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
  from: DriverDescriptor,
  to: DriverDescriptor,
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
