import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import {
  type CarCache,
  type DriverLoader,
  type ManagedDriverHandle,
  PendingEnvironment,
} from '@chassis/loader';
import type { CarKeeper, LoadedVersion, VerifiedCar, VersionLoader } from '../manager/types.js';

/** Called when a loaded driver's environment faults (crash, OOM, hang). */
export type FaultReporter = (handle: ManagedDriverHandle, fault: ChassisError) => void;

/**
 * Adapts `@chassis/loader` to the manager's {@link VersionLoader}: `open` reads, verifies and
 * extracts a CAR once into the content-addressed cache while its worker/process environment
 * boots (`pending`); `load` attaches that environment (or spawns one) from the extraction
 * without reading the CAR again.
 */
export function cachedVersionLoader(
  loader: DriverLoader,
  cache: CarCache,
  onFault: FaultReporter,
): VersionLoader {
  return {
    async open(carFile, expect = {}): Promise<VerifiedCar> {
      // The environment boots while the CAR is verified and extracted (see `openCar`).
      const { dir, sha256, archive, pending } = await loader.openCar(carFile, cache, expect);
      return { file: carFile, sha256, descriptor: archive.descriptor, archive, dir, pending };
    },
    async load(car: VerifiedCar): Promise<LoadedVersion> {
      if (!car.archive || !car.dir) {
        throw new ChassisError(
          'CHASSIS_E_INTERNAL',
          `${car.file} was not opened by this loader; open it first`,
          { details: { file: car.file } },
        );
      }
      const l = await loader.loadCached({
        dir: car.dir,
        sha256: car.sha256,
        archive: car.archive,
        ...(car.pending instanceof PendingEnvironment ? { pending: car.pending } : {}),
      });
      l.handle.onFault((fault) => onFault(l.handle, fault));
      return {
        descriptor: l.descriptor,
        handle: l.handle,
        sha256: l.sha256 ?? '',
        tier: l.handle.tier,
        messages: l.messages,
      };
    },
  };
}

/**
 * Keeps installed CARs under `<dir>/<sha256>.car` (copy to a temp name, then rename), so a
 * version can be reloaded for a restart or rollback even if the file it came from is gone.
 */
export function directoryCarKeeper(dir: string): CarKeeper {
  return async ({ file: carFile, sha256 }) => {
    await mkdir(dir, { recursive: true });
    const target = join(dir, `${sha256}.car`);
    if (target === carFile) return target;
    const tmp = `${target}.${process.pid}.tmp`;
    try {
      await copyFile(carFile, tmp);
      await rename(tmp, target);
    } finally {
      await rm(tmp, { force: true });
    }
    return target;
  };
}
