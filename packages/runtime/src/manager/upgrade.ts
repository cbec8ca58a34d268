import {
  ChassisError,
  callDeadline,
  checkContractUpgrade,
  type DriverHandle,
  type ResourceEntry,
  type ResourceRegistry,
  serializeError,
  toChassisError,
} from '@chassis/kernel';
import semver from 'semver';
import type { RolloutPolicy, UpgradeRecord } from '../api/runtime-api.js';
import type { OnUpgradeBegin } from '../api/upgrade-status.js';
import { DEFAULT_ROLLOUT, planRollout } from '../upgrade/rollout-plan.js';
import { swapResources } from '../upgrade/swap.js';
import type { InstalledDriver, ManagerContext } from './context.js';
import { loadVersion, startVersion, unloadVersion } from './environments.js';
import { type DriverRecord, saveDriverRecord } from './records.js';
import type { LoadedVersion } from './types.js';

/** Options of one upgrade or rollback. */
export interface UpgradeRequest {
  readonly action: 'upgrade' | 'rollback';
  readonly to: string;
  readonly policy?: RolloutPolicy;
  readonly principal: string;
  /** Move only these resources (bound to one version); the active version stays. */
  readonly resources?: readonly string[];
  /** Told once the record (with its plan) is stored, before anything moves. */
  readonly onBegin?: OnUpgradeBegin;
}

/**
 * The version the resources of a partial move are bound to: they must all be resources of
 * driver `id` on one version (`CHASSIS_E_UPGRADE_MIXED_SOURCES` otherwise).
 */
export function sourceVersion(
  resources: Pick<ResourceRegistry<DriverHandle>, 'get'>,
  id: string,
  ids: readonly string[],
): string {
  const versions = new Set<string>();
  for (const rid of ids) {
    const binding = resources.get(rid).binding;
    if (binding.driverId !== id) {
      throw new ChassisError(
        'CHASSIS_E_UPGRADE_MIXED_SOURCES',
        `Resource ${rid} is bound to driver ${binding.driverId}, not ${id}; move it with its own driver`,
        { details: { driver: id, resource: rid, boundTo: binding.driverId } },
      );
    }
    versions.add(binding.version);
  }
  if (versions.size !== 1) {
    throw new ChassisError(
      'CHASSIS_E_UPGRADE_MIXED_SOURCES',
      `Resources ${ids.join(', ')} are bound to ${versions.size === 0 ? 'no' : 'different'} versions of ${id} (${[...versions].join(', ')}); move each version's resources on their own`,
      { details: { driver: id, resources: [...ids], versions: [...versions] } },
    );
  }
  return [...versions][0] as string;
}

/** Resources a whole-driver move takes from `version`: every bound one except pinned ones. */
export function movable(
  resources: Pick<ResourceRegistry<DriverHandle>, 'boundTo'>,
  pinned: ((id: string) => boolean) | undefined,
  id: string,
  version: string,
): string[] {
  return resources
    .boundTo(id, version)
    .map((e) => e.resource.id)
    .filter((rid) => !pinned?.(rid));
}

function notInstalled(id: string, version?: string): ChassisError {
  return new ChassisError(
    'CHASSIS_E_UPGRADE_NOT_INSTALLED',
    `Driver ${id}${version ? `@${version}` : ''} is not installed`,
    {
      details: { driver: id, version },
    },
  );
}

/**
 * True while a resource is bound to `id@version`: local ones, and in cluster mode those other
 * members own, which this server answers for and may take over at any moment. A version in use
 * stays loaded after a move takes the last local resource off it.
 */
function versionInUse(ctx: ManagerContext, id: string, version: string): boolean {
  return (ctx.bindings.boundIds?.(id, version) ?? ctx.resources.boundTo(id, version)).length > 0;
}

/** Makes sure a version of an installed driver is loaded and Running; reloads it from its kept CAR. */
export async function ensureRunning(
  ctx: ManagerContext,
  inst: InstalledDriver,
  version: string,
): Promise<LoadedVersion> {
  const id = inst.record.id;
  let v = inst.loaded.get(version);
  if (!v) {
    const rec = inst.record.versions.find((r) => r.version === version);
    if (!rec) throw notInstalled(id, version);
    inst.retired?.delete(version);
    v = (await loadVersion(ctx, await ctx.fetchCar(rec), { id, version, sha256: rec.sha256 }))
      .loaded;
    inst.loaded.set(version, v);
  }
  const state = ctx.lifecycle.get(id, version)?.state;
  if (state !== 'Running') {
    try {
      await startVersion(ctx, v);
    } catch (err) {
      inst.loaded.delete(version);
      await unloadVersion(ctx, v);
      throw err;
    }
  }
  return v;
}

/** This server let `version` go: a cluster member following the shared records keeps it unloaded. */
function retire(inst: InstalledDriver, version: string): void {
  inst.retired ??= new Set();
  inst.retired.add(version);
}

const ROLLED_BACK = new Set([
  'CHASSIS_E_UPGRADE_START_FAILED',
  'CHASSIS_E_UPGRADE_HEALTH_FAILED',
  'CHASSIS_E_UPGRADE_MIGRATE_FAILED',
]);

async function healthy(ctx: ManagerContext, v: LoadedVersion): Promise<ChassisError | undefined> {
  const call = callDeadline(
    ctx.healthTimeoutMs,
    `health check of ${v.descriptor.id}@${v.descriptor.version}`,
  );
  try {
    const h = await v.handle
      .health({ signal: call.signal, deadline: call.deadline })
      .finally(call.clear);
    if (h.healthy) return undefined;
    return new ChassisError(
      'CHASSIS_E_UPGRADE_HEALTH_FAILED',
      `${v.descriptor.id}@${v.descriptor.version} reported unhealthy: ${h.detail ?? 'no detail'}`,
      {
        details: { driver: v.descriptor.id, version: v.descriptor.version, detail: h.detail },
      },
    );
  } catch (err) {
    return new ChassisError(
      'CHASSIS_E_UPGRADE_HEALTH_FAILED',
      `${v.descriptor.id}@${v.descriptor.version} health check failed`,
      {
        cause: err,
        details: { driver: v.descriptor.id, version: v.descriptor.version },
      },
    );
  }
}

/**
 * Moves every resource of a driver from its active version to `req.to`, batch by batch per
 * the rollout policy, health-checking the new version after each batch. Any failure (start,
 * migrate, health) moves the resources already moved back to the old version with the same
 * suspend → drain → rebind → resume protocol, so no operation is lost, and records
 * `rolled-back`. On success the new version becomes active and the old one is unloaded.
 */
export async function runUpgrade(
  ctx: ManagerContext,
  inst: InstalledDriver,
  req: UpgradeRequest,
): Promise<UpgradeRecord> {
  const id = inst.record.id;
  const subset = req.resources;
  const fromVersion = subset ? sourceVersion(ctx.resources, id, subset) : inst.record.active;
  if (!fromVersion) throw notInstalled(id);
  if (fromVersion === req.to) {
    throw new ChassisError(
      'CHASSIS_E_UPGRADE_SAME_VERSION',
      `${id}@${req.to} is already the active version`,
      {
        details: { driver: id, version: req.to },
      },
    );
  }
  const policy = req.policy ?? DEFAULT_ROLLOUT;
  const from = await ensureRunning(ctx, inst, fromVersion);
  const steps = planRollout(
    subset ?? movable(ctx.resources, ctx.bindings.pinned?.bind(ctx.bindings), id, fromVersion),
    policy,
  );
  // The plan is stored with the record, before anything moves: recovery after a crash applies it.
  let record = await ctx.history.begin({
    action: req.action,
    driverId: id,
    from: fromVersion,
    to: req.to,
    policy,
    plan: {
      moves: steps.flatMap((st) =>
        st.resources.map((r) => ({ id: r, from: fromVersion, to: req.to })),
      ),
      ...(subset ? { partial: true } : {}),
    },
    principal: req.principal,
  });
  req.onBegin?.(record);
  const point = (step: Parameters<NonNullable<ManagerContext['checkpoint']>>[0], ids: string[]) =>
    ctx.checkpoint?.(step, { driverId: id, resources: ids });
  await point('planned', []);
  const moved: ResourceEntry<DriverHandle>[] = [];
  const paused: { id: string; from: string; to: string; pausedMs: number }[] = [];
  let to: LoadedVersion | undefined;
  try {
    to = await ensureRunning(ctx, inst, req.to);
    const incompatible = checkContractUpgrade(from.descriptor, to.descriptor);
    if (incompatible) throw incompatible;
    await ctx.checkMove?.(
      steps.flatMap((st) => st.resources),
      to,
    );
    const target = to;
    const states = new Map<string, unknown>();
    const migrate = async (e: ResourceEntry<DriverHandle>) => {
      const state = await ctx.bindings.stateOf(e.resource.id);
      // The upgrade owns this call's deadline, as a compartment owns a resource call's.
      const call = callDeadline(
        ctx.migrateTimeoutMs,
        `migrate of ${e.resource.id} to ${id}@${req.to}`,
      );
      const migrated = await target.handle
        .migrate(fromVersion, state, { signal: call.signal, deadline: call.deadline })
        .finally(call.clear)
        .catch((err: unknown) => {
          throw new ChassisError(
            'CHASSIS_E_UPGRADE_MIGRATE_FAILED',
            `${id}@${req.to} could not migrate resource ${e.resource.id}`,
            {
              cause: err,
              details: { driver: id, resource: e.resource.id, from: fromVersion, to: req.to },
            },
          );
        });
      if (migrated !== undefined) states.set(e.resource.id, migrated);
    };
    for (const step of steps) {
      const entries = step.resources.map((r) => ctx.resources.get(r));
      ctx.lifecycle.transition(id, fromVersion, 'Suspended');
      try {
        const { pausedMs } = await swapResources(
          ctx.resources,
          entries,
          { version: req.to, handle: target.handle },
          migrate,
        );
        moved.push(...entries);
        for (const e of entries)
          paused.push({
            id: e.resource.id,
            from: fromVersion,
            to: req.to,
            pausedMs: pausedMs.get(e.resource.id) ?? 0,
          });
      } finally {
        ctx.lifecycle.transition(id, fromVersion, 'Running');
      }
      await point('moved', [...step.resources]);
      await ctx.bindings.rebind(step.resources, { driverId: id, version: req.to }, states);
      await point('rebound', [...step.resources]);
      record = await ctx.history.update(record, {
        progress: { moved: moved.map((e) => e.resource.id), phase: 'moving' },
      });
      await point('progressed', [...step.resources]);
      if (step.healthCheck) {
        const bad = await healthy(ctx, target);
        if (bad) throw bad;
      }
    }
  } catch (err) {
    const error = toChassisError(err, 'CHASSIS_E_UPGRADE_START_FAILED');
    // Persisted first: a crash while moving back must finish moving back, never go forward.
    record = await ctx.history.update(record, {
      progress: { moved: record.progress?.moved ?? [], phase: 'rolling-back' },
    });
    if (moved.length > 0) {
      await swapResources(ctx.resources, moved, { version: fromVersion, handle: from.handle });
      await ctx.bindings.rebind(
        moved.map((e) => e.resource.id),
        { driverId: id, version: fromVersion },
      );
    }
    if (to && req.to !== inst.record.active && !versionInUse(ctx, id, req.to)) {
      inst.loaded.delete(req.to);
      retire(inst, req.to);
      await unloadVersion(ctx, to);
    }
    const done = await ctx.history.finish(record, {
      result: ROLLED_BACK.has(error.code) ? 'rolled-back' : 'failed',
      error: serializeError(error),
      resources: paused,
    });
    throw Object.assign(error, { record: done });
  }
  record = await ctx.history.update(record, {
    progress: { moved: moved.map((e) => e.resource.id), phase: 'committing' },
  });
  if (!subset) {
    // Merged into the stored record, not this server's copy: in a cluster every member commits
    // the same rollout, and another may have committed first or installed a version meanwhile.
    // The first commit writes active/previous; the later ones change nothing.
    let saved: DriverRecord = { ...inst.record, active: req.to, previous: fromVersion };
    await saveDriverRecord(ctx.store, id, (current) => {
      if (current?.active === req.to) saved = current;
      else if (current) saved = { ...current, active: req.to, previous: fromVersion };
      return saved;
    });
    inst.record = saved;
  }
  await point('committed', []);
  if (fromVersion !== inst.record.active && !versionInUse(ctx, id, fromVersion)) {
    inst.loaded.delete(fromVersion);
    retire(inst, fromVersion);
    await unloadVersion(ctx, from);
  }
  return ctx.history.finish(record, { result: 'succeeded', resources: paused });
}

/** The newest installed version above the active one, if any. */
export function newestInstalled(record: DriverRecord): string | undefined {
  const active = record.active;
  const higher = record.versions
    .map((v) => v.version)
    .filter((v) => !active || semver.gt(v, active));
  return higher.sort(semver.rcompare)[0];
}
