import {
  ChassisError,
  checkProvides,
  type DriverConfinement,
  type DriverDescriptor,
  type ExtensionPoint,
} from '@chassis/kernel';

/**
 * Refuses (typed) a driver this host does not accept, before anything is spawned: a `provides`
 * naming an unknown point or contract range (`CHASSIS_E_EXT_*`), or permissions the operator
 * has not granted (`CHASSIS_E_LOADER_PERMISSION_NOT_GRANTED`). Pure.
 */
export function admit(
  descriptor: DriverDescriptor,
  confinement: DriverConfinement,
  extensionPoints: readonly ExtensionPoint<unknown>[] | undefined,
): void {
  if (extensionPoints) {
    const points = new Map(extensionPoints.map((p) => [p.id, p] as const));
    const [refused] = checkProvides(descriptor, points);
    if (refused) throw refused;
  }
  if (confinement.refused.length > 0) {
    throw new ChassisError(
      'CHASSIS_E_LOADER_PERMISSION_NOT_GRANTED',
      `driver ${descriptor.id}@${descriptor.version} asks for ${confinement.refused.join(', ')} in the permissions: block of its driver.yaml, which the operator has not granted; grant it under confinement.drivers["${descriptor.id}"].grants in the kernel configuration, or do not install this driver`,
      {
        details: {
          driver: descriptor.id,
          version: descriptor.version,
          permissions: confinement.refused,
        },
      },
    );
  }
}
