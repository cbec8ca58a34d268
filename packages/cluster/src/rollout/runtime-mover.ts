import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChassisError,
  type DriverHandle,
  type ResourceRegistry,
  serializeError,
} from '@chassis/kernel';
import type { DriverManager, UpgradeRecord } from '@chassis/runtime';
import type { LocalMover, MovedResource, MoveResult } from './types.js';

/** What {@link runtimeMover} needs of a management server's runtime (`server.runtime` fits). */
export interface MoverRuntime {
  readonly manager: Pick<DriverManager, 'upgrade' | 'drivers'>;
  /** With `list`, a commit that finds `to` active already still moves what was left behind. */
  readonly resources: Pick<ResourceRegistry<DriverHandle>, 'find'> &
    Partial<Pick<ResourceRegistry<DriverHandle>, 'list'>>;
  /** Pinned resources stay where they are (as a whole-driver upgrade leaves them). */
  readonly resourceService?: { pinned(resourceId: string): boolean };
}

/** How long a member's move waits for its own driver lock (its reconciliation loading a version). */
const LOCK_WAIT_MS = 10_000;

/**
 * `manager.upgrade`, resent while the driver's lock is held here. The lock is taken before any
 * work, so `CHASSIS_E_UPGRADE_IN_PROGRESS` means nothing moved; during a cluster rollout the
 * holder is this member's own reconciliation (it loads a version the commit unloaded, say), which
 * ends in moments: without waiting for it the whole rollout would roll back.
 */
async function upgradeWhenFree(
  rt: MoverRuntime,
  ...args: Parameters<MoverRuntime['manager']['upgrade']>
): Promise<UpgradeRecord> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return await rt.manager.upgrade(...args);
    } catch (err) {
      if (!ChassisError.is(err, 'CHASSIS_E_UPGRADE_IN_PROGRESS') || Date.now() > deadline)
        throw err;
      await sleep(50);
    }
  }
}

const moves = (r: UpgradeRecord): MovedResource[] =>
  r.resources.map((m) => ({
    id: m.id,
    from: m.from,
    to: m.to,
    ...(m.pausedMs !== undefined ? { pausedMs: m.pausedMs } : {}),
  }));

/** Options of {@link runtimeMover}. */
export interface RuntimeMoverOptions {
  /** Who the local upgrades are recorded for (default `cluster-rollout`). */
  readonly principal?: string;
  /**
   * This member's reconciliation (placement and bindings from the shared records), run before
   * a resource is reported not served here: a resource this member just took over opens its
   * compartment, on the version its record names, in that pass.
   */
  readonly settle?: () => Promise<void>;
  /** True while this member holds the resource's lease (then it is waited for, bounded). */
  readonly owns?: (resourceId: string) => boolean;
}

/**
 * Moves each group of resources (keyed by the version they leave) to `to` with one local
 * upgrade per group; what moved, appended to `moved` as it goes (a failure leaves what the
 * groups before it moved listed).
 */
async function moveGroups(
  rt: MoverRuntime,
  driverId: string,
  to: string,
  groups: ReadonlyMap<string, string[]>,
  principal: string,
  moved: MovedResource[],
): Promise<void> {
  for (const group of groups.values()) {
    const rec = await upgradeWhenFree(
      rt,
      driverId,
      { version: to, resources: group, policy: { kind: 'all-at-once' } },
      principal,
    );
    moved.push(...moves(rec));
  }
}

/** Resource ids of `driverId` among `ids` this runtime has no local compartment for. */
const absent = (rt: MoverRuntime, ids: readonly string[]) =>
  ids.filter((id) => rt.resources.find(id) === undefined);

/**
 * Settles (bounded by {@link LOCK_WAIT_MS}) until every resource this member owns among `ids`
 * is open here; returns the ones still not served (owned elsewhere now, or deleted).
 */
async function served(
  rt: MoverRuntime,
  ids: readonly string[],
  o: RuntimeMoverOptions,
): Promise<string[]> {
  let missing = absent(rt, ids);
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (missing.length > 0 && o.settle) {
    // A failed pass (database away) is logged by the member; what is open here still decides.
    await o.settle().catch(() => undefined);
    missing = absent(rt, ids);
    const owned = missing.some((id) => o.owns?.(id));
    if (!owned || Date.now() > deadline) break;
    await sleep(50);
  }
  return missing;
}

/**
 * The member side of a step, on the single-server runtime: each request is one
 * `DriverManager.upgrade(id, { version, resources })` (suspend → drain → rebind → resume, the
 * configuration check, the new version's health check, the local roll back on failure), so the
 * cluster adds no second way to move a resource. Idempotent: resources already on the target
 * are reported moved and not touched. A resource this member does not serve (its ownership
 * moved during the rollout, or it was deleted) is reported in `notServed` with nothing done
 * for it, so that the leader re-assigns it; the others still move.
 */
export function runtimeMover(
  rt: MoverRuntime,
  options: RuntimeMoverOptions | string = {},
): LocalMover {
  const o = typeof options === 'string' ? { principal: options } : options;
  const principal = o.principal ?? 'cluster-rollout';
  return {
    async move(driverId, to, ids) {
      const moved: MovedResource[] = [];
      const bySource = new Map<string, string[]>();
      const notServed = await served(rt, ids, o);
      for (const id of ids) {
        if (notServed.includes(id)) continue;
        const entry = rt.resources.find(id);
        if (!entry || entry.binding.driverId !== driverId) {
          const error = new ChassisError(
            'CHASSIS_E_RESOURCE_NOT_FOUND',
            `Resource ${id} is bound to ${entry?.binding.driverId ?? 'no driver'} on this member, not ${driverId}: it cannot move with this rollout`,
            { details: { resource: id, driver: driverId } },
          );
          return { ok: false, moved, error: serializeError(error) };
        }
        const v = entry.binding.version;
        if (v === to) moved.push({ id, from: to, to });
        else bySource.set(v, [...(bySource.get(v) ?? []), id]);
      }
      const rest = notServed.length > 0 ? { notServed } : {};
      try {
        await moveGroups(rt, driverId, to, bySource, principal, moved);
        return { ok: true, moved, ...rest };
      } catch (err) {
        // This member lost a lease mid-move (its writes are refused; its runtime moved back
        // what it could): no failure of the version. The new owner tells where they are.
        if (ChassisError.is(err, 'CHASSIS_E_CLUSTER_FENCED')) {
          const done = new Set([...moved.map((m) => m.id), ...notServed]);
          return { ok: true, moved, notServed: [...notServed, ...ids.filter((i) => !done.has(i))] };
        }
        return { ok: false, moved, error: serializeError(err), ...rest };
      }
    },
    async commit(driverId, to): Promise<MoveResult> {
      /**
       * `to` is active here already: this member's reconciliation followed another member's
       * commit of the shared record before this request (or while it waited for the lock). The
       * commit's own work is still due: the resources created here meanwhile on another version
       * move to `to` (pinned ones stay), as a whole-driver upgrade takes them along.
       */
      const leftBehind = async (): Promise<MoveResult> => {
        const bySource = new Map<string, string[]>();
        for (const e of rt.resources.list?.() ?? []) {
          const { driverId: d, version } = e.binding;
          if (d !== driverId || version === to || rt.resourceService?.pinned(e.resource.id))
            continue;
          bySource.set(version, [...(bySource.get(version) ?? []), e.resource.id]);
        }
        const moved: MovedResource[] = [];
        try {
          await moveGroups(rt, driverId, to, bySource, principal, moved);
          return { ok: true, moved };
        } catch (err) {
          return { ok: false, moved, error: serializeError(err) };
        }
      };
      // The commit unloads `from` unless a resource anywhere is still bound to it: read the
      // bindings of the resources other members own from the shared records first, or a stale
      // view keeps `from` loaded here for good. A failed pass (database away) is logged by the
      // member; the commit then judges on what it last read.
      await o.settle?.().catch(() => undefined);
      if (rt.manager.drivers.get(driverId)?.record.active === to) return leftBehind();
      try {
        const rec = await upgradeWhenFree(
          rt,
          driverId,
          { version: to, policy: { kind: 'all-at-once' } },
          principal,
        );
        return { ok: true, moved: moves(rec) };
      } catch (err) {
        if (
          ChassisError.is(err, 'CHASSIS_E_UPGRADE_SAME_VERSION') &&
          rt.manager.drivers.get(driverId)?.record.active === to
        )
          return leftBehind();
        return { ok: false, moved: [], error: serializeError(err) };
      }
    },
  };
}
