import {
  ChassisError,
  type DriverDescriptor,
  type LifecycleEntry,
  startDrivers,
  stopDrivers,
  toChassisError,
} from '@chassis/kernel';
import type { SignatureInfo } from '../api/runtime-api.js';
import type { ManagerContext } from './context.js';
import type { LoadedVersion, VerifiedCar } from './types.js';

/** The runner's view of a loaded version. */
export function entryOf(v: LoadedVersion): LifecycleEntry {
  const d = v.descriptor;
  return {
    id: d.id,
    version: d.version,
    category: d.category,
    requires: d.requires ?? [],
    start: (signal) => v.handle.start({ signal }),
    stop: (signal) => v.handle.stop({ signal }),
  };
}

/**
 * Opens, verifies and loads a CAR, each step once and each lifecycle transition when its step
 * is done: the CAR is read and checked once by `loader.open` (`Discovered`), the trust check
 * runs on that checked archive (`Verified`), `precheck` has passed and the descriptor's place is
 * settled (`Resolved`), and the environment is up (`Loaded`). `expect` pins id/version (and the
 * known digest, so a cached extraction is reused) when reloading a known version; `precheck`
 * may refuse the descriptor before the version enters the lifecycle. On failure the version
 * passes through `Failed` (with the cause) to `Unloaded` and is forgotten, its environment is
 * disposed and the typed error is rethrown. The environment the loader may have spawned while
 * opening (`VerifiedCar.pending`) is `load`'s to use and ends on every other exit.
 */
export async function loadVersion(
  ctx: ManagerContext,
  carFile: string,
  expect?: { id: string; version: string; sha256?: string },
  precheck?: (d: DriverDescriptor) => void,
): Promise<{ loaded: LoadedVersion; signature: SignatureInfo; car: VerifiedCar }> {
  const car = await ctx.loader.open(carFile, expect?.sha256 ? { sha256: expect.sha256 } : {});
  try {
    return await checkAndLoad(ctx, car, expect, precheck);
  } finally {
    // The one owner of the environment spawned while the CAR was opened: every exit before
    // `load` took it (wrong CAR, lock or precheck refused, trust refused, failed load) ends it
    // here, before the caller releases its lock; after `load` took it this is a no-op.
    await car.pending?.dispose();
  }
}

/** The steps of {@link loadVersion} between `open` and `Loaded`. */
async function checkAndLoad(
  ctx: ManagerContext,
  car: VerifiedCar,
  expect: { id: string; version: string; sha256?: string } | undefined,
  precheck: ((d: DriverDescriptor) => void) | undefined,
): Promise<{ loaded: LoadedVersion; signature: SignatureInfo; car: VerifiedCar }> {
  const { lifecycle } = ctx;
  const d = car.descriptor;
  if (expect && (expect.id !== d.id || expect.version !== d.version)) {
    throw new ChassisError(
      'CHASSIS_E_CAR_MANIFEST_ID_MISMATCH',
      `${car.file} holds ${d.id}@${d.version}, not ${expect.id}@${expect.version}`,
      {
        details: { file: car.file, expected: expect, found: { id: d.id, version: d.version } },
      },
    );
  }
  precheck?.(d);
  lifecycle.register(d.id, d.version);
  let loaded: LoadedVersion | undefined;
  try {
    const signature = await ctx.verify(car.archive ?? car.file);
    lifecycle.transition(d.id, d.version, 'Verified');
    lifecycle.transition(d.id, d.version, 'Resolved');
    loaded = await ctx.loader.load(car);
    lifecycle.transition(d.id, d.version, 'Loaded');
    return { loaded, signature, car };
  } catch (err) {
    await loaded?.handle.dispose().catch((cause) =>
      ctx.logger.warn(
        {
          driver: d.id,
          version: d.version,
          err: toChassisError(cause, 'CHASSIS_E_INTERNAL').toJSON(),
        },
        'dispose failed',
      ),
    );
    abandon(ctx, d, err);
    throw err;
  }
}

/** Ends a version that failed before `Loaded`: `Failed` (with the cause), `Unloaded`, forgotten. */
function abandon(ctx: ManagerContext, d: DriverDescriptor, cause: unknown): void {
  const state = ctx.lifecycle.get(d.id, d.version)?.state;
  if (state === undefined) return;
  if (state !== 'Failed' && state !== 'Unloaded')
    ctx.lifecycle.transition(d.id, d.version, 'Failed', cause);
  if (ctx.lifecycle.state(d.id, d.version) !== 'Unloaded')
    ctx.lifecycle.transition(d.id, d.version, 'Unloaded');
  ctx.lifecycle.forget(d.id, d.version);
}

/** The versions the runner should see next to `v`: the active version of every other driver. */
export function peersOf(ctx: ManagerContext, d: DriverDescriptor): LifecycleEntry[] {
  const out: LifecycleEntry[] = [];
  for (const [id, inst] of ctx.drivers) {
    if (id === d.id || !inst.record.active) continue;
    const v = inst.loaded.get(inst.record.active);
    if (v) out.push(entryOf(v));
  }
  return out;
}

/**
 * Starts one loaded version in its place in the order (its dependencies must be running).
 * Throws `CHASSIS_E_UPGRADE_START_FAILED` (cause: the step's error) when it ends `Failed`.
 */
export async function startVersion(ctx: ManagerContext, v: LoadedVersion): Promise<void> {
  const d = v.descriptor;
  const result = await startDrivers([...peersOf(ctx, d), entryOf(v)], {
    lifecycle: ctx.lifecycle,
    startTimeoutMs: ctx.startTimeoutMs,
    stopTimeoutMs: ctx.stopTimeoutMs,
    ...(ctx.ranks ? { ranks: ctx.ranks } : {}),
  });
  const failure = result.failed.find((f) => f.driver === d.id && f.version === d.version);
  if (failure) {
    throw new ChassisError(
      'CHASSIS_E_UPGRADE_START_FAILED',
      `${failure.error.message} (${d.id}@${d.version} was unloaded; nothing was bound to it)`,
      {
        cause: failure.error,
        details: { driver: d.id, version: d.version },
      },
    );
  }
}

/** Stops (if running) and unloads a version, ending in `Unloaded` with its environment gone. */
export async function unloadVersion(ctx: ManagerContext, v: LoadedVersion): Promise<void> {
  const { id, version } = v.descriptor;
  const state = ctx.lifecycle.get(id, version)?.state;
  if (state === 'Running' || state === 'Suspended') {
    await stopDrivers([entryOf(v)], { lifecycle: ctx.lifecycle, stopTimeoutMs: ctx.stopTimeoutMs });
  }
  try {
    await v.handle.dispose();
  } catch (err) {
    ctx.logger.warn(
      { driver: id, version, err: toChassisError(err, 'CHASSIS_E_INTERNAL').toJSON() },
      'dispose failed',
    );
  }
  const now = ctx.lifecycle.get(id, version)?.state;
  if (now && now !== 'Unloaded') {
    if (now === 'Running' || now === 'Suspended' || now === 'Starting' || now === 'Stopping') {
      ctx.lifecycle.transition(
        id,
        version,
        'Failed',
        new ChassisError('CHASSIS_E_INTERNAL', 'unloaded while active'),
      );
    }
    ctx.lifecycle.transition(id, version, 'Unloaded');
  }
}
