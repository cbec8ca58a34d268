import { serializeError } from '@chassis/kernel';
import type { OnUpgradeBegin, Principal, UpgradeRecord } from '@chassis/runtime';
import { move } from './fake-lifecycle.js';
import { boundTo, type FakeDriver, type FakeState, fail, isoNow, pause } from './fake-state.js';

/** Adds a `running` upgrade record and emits it on `upgrades$`. */
export function startRecord(
  s: FakeState,
  action: UpgradeRecord['action'],
  driverId: string,
  principal: Principal,
  extra: Partial<UpgradeRecord> = {},
): UpgradeRecord {
  const record: UpgradeRecord = {
    id: `u-${s.nextRecord++}`,
    action,
    driverId,
    principal: principal.id,
    startedAt: isoNow(),
    result: 'running',
    resources: [],
    ...extra,
  };
  s.upgrades.push(record);
  s.upgrades$.next(record);
  return record;
}

/** Replaces `record` by its finished copy and emits that on `upgrades$`. */
export function finish(
  s: FakeState,
  record: UpgradeRecord,
  patch: Partial<UpgradeRecord>,
): UpgradeRecord {
  const done: UpgradeRecord = { ...record, finishedAt: isoNow(), ...patch };
  s.upgrades[s.upgrades.indexOf(record)] = done;
  s.upgrades$.next(done);
  return done;
}

/** Runs `work` for `record`: finishes it as succeeded, or as failed and rethrows. */
export async function runRecorded(
  s: FakeState,
  record: UpgradeRecord,
  work: () => Promise<Partial<UpgradeRecord>>,
): Promise<UpgradeRecord> {
  try {
    return finish(s, record, { result: 'succeeded', ...(await work()) });
  } catch (err) {
    finish(s, record, { result: 'failed', error: serializeError(err) });
    throw err;
  }
}

/** Runs `work` unless an install/upgrade of `driverId` is running (`CHASSIS_E_UPGRADE_IN_PROGRESS`). */
export async function guarded<T>(
  s: FakeState,
  driverId: string,
  work: () => Promise<T>,
): Promise<T> {
  if (s.busy.has(driverId)) {
    fail('CHASSIS_E_UPGRADE_IN_PROGRESS', `An install/upgrade of ${driverId} is running.`, {
      driver: driverId,
    });
  }
  s.busy.add(driverId);
  try {
    return await work();
  } finally {
    s.busy.delete(driverId);
  }
}

/**
 * Runs the switch of `d` from its active version to `to` (an upgrade or a rollback) as one
 * guarded, recorded action; `work` gets the version that was active and does the moving.
 */
export function recordedSwitch(
  s: FakeState,
  action: 'upgrade' | 'rollback',
  d: FakeDriver,
  principal: Principal,
  to: string,
  extra: Partial<UpgradeRecord>,
  work: (from: string | undefined) => Promise<Partial<UpgradeRecord>>,
  onBegin?: OnUpgradeBegin,
): Promise<UpgradeRecord> {
  return guarded(s, d.id, async () => {
    const from = d.active;
    const record = startRecord(s, action, d.id, principal, {
      ...(from ? { from } : {}),
      to,
      ...extra,
    });
    onBegin?.(record);
    return runRecorded(s, record, () => work(from));
  });
}

/** One resource {@link swap} moved, as an upgrade record lists it. */
interface MovedResource {
  id: string;
  from: string;
  to: string;
  pausedMs: number;
}

/** Moves every resource of `from` to `to` through suspend → rebind → resume. */
export async function swap(
  s: FakeState,
  d: FakeDriver,
  from: string | undefined,
  to: string,
  remember = true,
): Promise<MovedResource[]> {
  const moved: MovedResource[] = [];
  const old = from ? d.versions.get(from) : undefined;
  if (from && old?.state === 'Running') await move(s, d.id, from, ['Suspended']);
  for (const id of from ? boundTo(s, d.id, from) : []) {
    const r = s.resources.get(id)!;
    const t0 = Date.now();
    r.state = 'suspended';
    await pause(s);
    r.binding = { driverId: d.id, version: to };
    r.state = 'active';
    moved.push({ id, from: from!, to, pausedMs: Date.now() - t0 });
  }
  if (from && old?.state === 'Suspended') await move(s, d.id, from, ['Running']);
  if (remember && from && from !== to) d.previous.push(from);
  d.active = to;
  return moved;
}
