import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChassisError } from '@chassis/kernel';
import type { CarCache, DriverLoader, ManagedDriverHandle } from '@chassis/loader';
import type { CarKeeper, LoadedVersion, VersionLoader } from '../manager/types.js';

/** Called when a loaded driver's environment faults (crash, OOM, hang). */
export type FaultReporter = (handle: ManagedDriverHandle, fault: ChassisError) => void;

/**
 * Adapts `@chassis/loader` to the manager's {@link VersionLoader}: each CAR is verified and
 * extracted once into the content-addressed cache, then loaded in its isolation tier.
 */
export function cachedVersionLoader(
  loader: DriverLoader,
  cache: CarCache,
  onFault: FaultReporter,
): VersionLoader {
  return {
    async load(carFile: string): Promise<LoadedVersion> {
      const l = await loader.loadCar(carFile, cache);
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
export function directoryCarKeeper(
  dir: string,
  digest: (file: string) => Promise<string>,
): CarKeeper {
  return async (carFile) => {
    await mkdir(dir, { recursive: true });
    const target = join(dir, `${await digest(carFile)}.car`);
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
