import { ChassisError } from '@chassis/kernel';
import {
  planRollout,
  type ResourceInfo,
  type ResourceTestResult,
  type RuntimeApi,
  type UpgradePlan,
} from '@chassis/runtime';
import { boundTo, driverOf, type FakeState, fail, versionOf } from './fake-state.js';
import { resourceInfo } from './fake-views.js';
import { compareVersions } from './versions.js';

/** Read-only operations the fake accepts in a resource test (the real contracts' `safe` lists). */
const SAFE = new Set(['stats', 'capabilities', 'hostStats', 'vmStates', 'discoverHosts']);

function resourceOf(s: FakeState, id: string) {
  const r = s.resources.get(id);
  if (!r) fail('CHASSIS_E_RESOURCE_NOT_FOUND', `No resource ${id}.`, { resource: id });
  return r;
}

/** `RuntimeApi.deleteResource`: the fake has no operations in flight, so it never refuses. */
export async function deleteResource(s: FakeState, id: string): Promise<void> {
  resourceOf(s, id);
  s.resources.delete(id);
}

/** `RuntimeApi.pinResource`: rebinds to an installed version and sets the pin flag. */
export async function pinResource(
  s: FakeState,
  id: string,
  version: string | null,
): Promise<ResourceInfo> {
  const r = resourceOf(s, id);
  if (version !== null) {
    versionOf(driverOf(s, r.binding.driverId), version);
    r.binding = { driverId: r.binding.driverId, version };
    r.pinned = true;
  } else delete r.pinned;
  return resourceInfo(s, r);
}

/** `RuntimeApi.testResource`: health is healthy; a safe operation answers `{}`. */
export async function testResource(
  s: FakeState,
  id: string,
  options: Parameters<RuntimeApi['testResource']>[1],
): Promise<ResourceTestResult> {
  const r = resourceOf(s, id);
  const op = options.operation;
  const method = op?.slice(op.lastIndexOf('.') + 1);
  if (method && !SAFE.has(method)) {
    throw new ChassisError(
      'CHASSIS_E_RESOURCE_OP_NOT_SAFE',
      `"${op}" is not a read-only operation of resource ${id}'s contract.`,
      { details: { resource: id, operation: op, allowed: [...SAFE] } },
    );
  }
  return {
    resource: id,
    ...r.binding,
    operation: method ?? 'health',
    ok: true,
    result: method ? {} : { healthy: true },
    durationMs: 0,
  };
}

/** `RuntimeApi.planUpgrade`: from → to, batches, and no failed check (the fake has none). */
export async function planUpgrade(
  s: FakeState,
  driverId: string,
  options: Parameters<RuntimeApi['planUpgrade']>[1],
): Promise<UpgradePlan> {
  const d = driverOf(s, driverId);
  const from = options.resources?.[0]
    ? resourceOf(s, options.resources[0]).binding.version
    : (d.active ?? '');
  const to =
    options.version ??
    [...d.versions.keys()]
      .filter((v) => compareVersions(v, from) > 0)
      .sort(compareVersions)
      .pop();
  if (!to || !d.versions.has(to)) {
    fail('CHASSIS_E_UPGRADE_NOT_INSTALLED', `${driverId}@${to ?? '(newer)'} is not installed.`, {
      driver: driverId,
      version: to,
    });
  }
  const policy = options.policy ?? { kind: 'one-at-a-time' as const };
  const ids = options.resources
    ? [...options.resources]
    : boundTo(s, driverId, from).filter((id) => !s.resources.get(id)?.pinned);
  const signature = (v: string) => versionOf(d, v).signature;
  return {
    driverId,
    from,
    to,
    policy,
    steps: planRollout(ids, policy).map((st) => ({ ...st, resources: [...st.resources] })),
    resources: ids.sort().map((id) => ({ id, from, to })),
    activeAfter: options.resources ? from : to,
    configuration: { ok: true, invalid: [] },
    contract: { ok: true },
    signer: {
      from: signature(from),
      to: signature(to),
      changed: signature(from).vendor !== signature(to).vendor,
    },
    ok: true,
  };
}
