import { ChassisError, serializeError } from '@chassis/kernel';
import { swapResources } from '../upgrade/swap.js';
import type { InstalledDriver, ManagerContext } from './context.js';
import { loadVersion, startVersion, unloadVersion } from './environments.js';

/**
 * Replaces a version's environment with a fresh one loaded from its kept CAR: the old one is
 * unloaded (ending `Unloaded`), the new one walks the lifecycle again from `Discovered`, and
 * the resources bound to the version are rebound to it without losing queued work.
 */
export async function restartVersion(
  ctx: ManagerContext,
  inst: InstalledDriver,
  version: string,
): Promise<void> {
  const id = inst.record.id;
  const rec = inst.record.versions.find((v) => v.version === version);
  if (!rec) {
    throw new ChassisError('CHASSIS_E_UPGRADE_NOT_INSTALLED', `${id}@${version} is not installed`, {
      details: { driver: id, version },
    });
  }
  const bound = ctx.resources.boundTo(id, version);
  for (const e of bound) e.compartment.suspend();
  try {
    const old = inst.loaded.get(version);
    inst.loaded.delete(version);
    if (old) await unloadVersion(ctx, old);
    // A version left `Failed` by an earlier failed restart has no environment any more.
    else if (ctx.lifecycle.get(id, version)?.state === 'Failed')
      ctx.lifecycle.transition(id, version, 'Unloaded');
    const { loaded } = await loadVersion(ctx, await ctx.fetchCar(rec), {
      id,
      version,
      sha256: rec.sha256,
    });
    try {
      await startVersion(ctx, loaded);
    } catch (err) {
      // Its environment goes, but the version stays `Failed` with the start error as its cause:
      // that is what operators (and the restart supervisor's give-up) must see.
      await loaded.handle
        .dispose()
        .catch((e: unknown) =>
          ctx.logger.warn({ driver: id, version, err: serializeError(e) }, 'dispose failed'),
        );
      throw err;
    }
    inst.loaded.set(version, loaded);
    await swapResources(ctx.resources, bound, { version, handle: loaded.handle });
  } finally {
    for (const e of bound) e.compartment.resume();
  }
}
