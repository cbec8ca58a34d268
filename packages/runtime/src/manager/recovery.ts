import type { ResourceBinding, StateStore } from '@chassis/kernel';
import type { UpgradeRecord } from '../api/runtime-api.js';
import { resourceKey } from '../state/resource-records.js';
import { planRecovery } from '../upgrade/recovery-plan.js';
import type { ManagerContext } from './context.js';
import { type DriverRecord, saveDriverRecord } from './records.js';

async function readDriver(store: StateStore, id: string): Promise<DriverRecord | undefined> {
  return (await store.get<DriverRecord>(`drivers/${id}`))?.value;
}

async function readBindings(
  store: StateStore,
  driverId: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of ids) {
    const r = await store.get<{ binding: ResourceBinding }>(resourceKey(id));
    // A resource removed meanwhile, or one another driver owns, is not this plan's to move.
    if (r && r.value.binding.driverId === driverId) out.set(id, r.value.binding.version);
  }
  return out;
}

/**
 * Start-up recovery, before any driver is loaded: every history record still `running` belongs
 * to an action the previous server died in. Each is reconciled per its recorded plan
 * ({@link planRecovery}): bindings rewritten through the one binding writer, the driver record's
 * active version set, and the record closed as `interrupted` with what was done. Returns the
 * closed records, oldest first.
 */
export async function recoverInterrupted(ctx: ManagerContext): Promise<UpgradeRecord[]> {
  const closed: UpgradeRecord[] = [];
  for (const record of await ctx.history.list()) {
    if (record.result !== 'running') continue;
    const driver = await readDriver(ctx.store, record.driverId);
    const bindings = await readBindings(
      ctx.store,
      record.driverId,
      (record.plan?.moves ?? []).map((m) => m.id),
    );
    const plan = planRecovery({
      record,
      driver: driver && {
        versions: driver.versions.map((v) => v.version),
        ...(driver.active ? { active: driver.active } : {}),
      },
      bindings,
    });
    for (const step of plan.rebind)
      await ctx.bindings.rebind(step.ids, { driverId: record.driverId, version: step.version });
    if (plan.driver && driver) {
      const next = plan.driver;
      await saveDriverRecord(ctx.store, record.driverId, (current) =>
        current
          ? {
              ...current,
              active: next.active,
              ...(next.previous ? { previous: next.previous } : {}),
            }
          : null,
      );
    }
    const active = plan.driver?.active ?? driver?.active;
    const done = await ctx.history.finish(record, {
      result: 'interrupted',
      recovery: {
        outcome: plan.outcome,
        resources: plan.rebind.flatMap((s) => s.ids.map((id) => ({ id, version: s.version }))),
        ...(active ? { active } : {}),
        at: new Date().toISOString(),
      },
    });
    ctx.logger.warn(
      {
        driver: record.driverId,
        action: record.action,
        record: record.id,
        recovery: done.recovery,
      },
      `interrupted ${record.action} recovered: ${plan.outcome}`,
    );
    closed.push(done);
  }
  return closed;
}
