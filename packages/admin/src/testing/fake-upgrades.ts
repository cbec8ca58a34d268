import { readCar } from '@chassis/car';
import type { DriverState } from '@chassis/kernel';
import {
  type InstallSource,
  type OnUpgradeBegin,
  type Principal,
  type RollbackOptions,
  type RolloutPolicy,
  type RuntimeApi,
  rollbackTarget,
  type UpgradeRecord,
} from '@chassis/runtime';
import type { FakeCatalogEntry } from './fake-data.js';
import { move } from './fake-lifecycle.js';
import { guarded, recordedSwitch, runRecorded, startRecord, swap } from './fake-records.js';
import {
  addVersion,
  BOOT,
  boundTo,
  driverOf,
  type FakeState,
  fail,
  fakeSha,
  throwIfFailing,
  versionOf,
} from './fake-state.js';
import { compareVersions } from './versions.js';

/** `RuntimeApi.install`: from a CAR file (really read) or from the fake repository. */
export async function install(
  s: FakeState,
  source: InstallSource,
  principal: Principal,
): Promise<UpgradeRecord> {
  let entry: FakeCatalogEntry;
  let sha256: string;
  if (source.kind === 'file') {
    const car = await readCar(source.path);
    entry = { descriptor: car.descriptor, messages: car.messages };
    sha256 = car.sha256;
  } else {
    const versions = [...s.catalog.values()].filter((e) => e.descriptor.id === source.id);
    const wanted = source.version
      ? versions.find((e) => e.descriptor.version === source.version)
      : versions.sort((a, b) => compareVersions(a.descriptor.version, b.descriptor.version)).pop();
    if (!wanted) {
      fail(
        'CHASSIS_E_REPO_DRIVER_NOT_FOUND',
        `The repository has no ${source.id}${source.version ? `@${source.version}` : ''}.`,
        { driver: source.id },
      );
    }
    entry = wanted;
    sha256 = fakeSha(source.id, wanted.descriptor.version);
  }
  const { id, version } = entry.descriptor;
  if (s.drivers.get(id)?.versions.has(version)) {
    fail('CHASSIS_E_UPGRADE_SAME_VERSION', `${id}@${version} is already installed.`, {
      driver: id,
      version,
    });
  }
  return guarded(s, id, async () => {
    const record = startRecord(s, 'install', id, principal, { to: version });
    return runRecorded(s, record, async () => {
      const d = addVersion(s, entry, sha256);
      await move(s, id, version, BOOT);
      if (!d.active) d.active = version;
      return {};
    });
  });
}

/** `RuntimeApi.upgrade`: boots the target (from the fake repository if needed), then swaps. */
export async function upgrade(
  s: FakeState,
  driverId: string,
  opts: Parameters<RuntimeApi['upgrade']>[1],
  principal: Principal,
  onBegin?: OnUpgradeBegin,
): Promise<UpgradeRecord> {
  const d = driverOf(s, driverId);
  const policy: RolloutPolicy = opts.policy ?? { kind: 'one-at-a-time' };
  if (policy.kind === 'canary' && !(Number.isInteger(policy.canaries) && policy.canaries >= 1)) {
    fail('CHASSIS_E_UPGRADE_POLICY_INVALID', 'A canary policy needs canaries ≥ 1.', { policy });
  }
  const target =
    opts.version ??
    [...s.catalog.values()]
      .filter((e) => e.descriptor.id === driverId)
      .map((e) => e.descriptor.version)
      .sort(compareVersions)
      .pop();
  if (!target || (!d.versions.has(target) && !s.catalog.has(`${driverId}@${target}`))) {
    fail(
      'CHASSIS_E_UPGRADE_NOT_INSTALLED',
      `No version ${target ?? '(newer)'} of ${driverId} is available.`,
      { driver: driverId, version: target },
    );
  }
  if (target === d.active) {
    fail('CHASSIS_E_UPGRADE_SAME_VERSION', `${driverId}@${target} is already active.`, {
      driver: driverId,
      version: target,
    });
  }
  return recordedSwitch(
    s,
    'upgrade',
    d,
    principal,
    target,
    { policy },
    async (from) => {
      throwIfFailing(s, 'upgrade');
      if (!d.versions.has(target)) {
        addVersion(s, s.catalog.get(`${driverId}@${target}`)!, fakeSha(driverId, target));
        await move(s, driverId, target, BOOT);
      }
      return { resources: await swap(s, d, from, target) };
    },
    onBegin,
  );
}

/**
 * `RuntimeApi.rollback`: swaps back to `options.to` (checked by the runtime's own
 * `rollbackTarget`, so both refuse alike) or to the most recent previous version still installed.
 */
export async function rollback(
  s: FakeState,
  driverId: string,
  principal: Principal,
  options: RollbackOptions = {},
  onBegin?: OnUpgradeBegin,
): Promise<UpgradeRecord> {
  const d = driverOf(s, driverId);
  const previous = [...d.previous].reverse().find((v) => d.versions.has(v) && v !== d.active);
  const target = rollbackTarget(
    {
      id: driverId,
      active: d.active,
      previous,
      versions: [...d.versions.keys()].map((version) => ({ version })),
    },
    options.to,
  );
  return recordedSwitch(
    s,
    'rollback',
    d,
    principal,
    target,
    {},
    async (from) => {
      const moved = await swap(s, d, from, target, false);
      d.previous = [...d.previous.filter((v) => v !== target), ...(from ? [from] : [])];
      // A rollback that moved everything succeeded, as in the runtime ('rolled-back' is an
      // upgrade undone after a failure).
      return { resources: moved };
    },
    onBegin,
  );
}

/** `RuntimeApi.uninstall`: stops and removes versions; refuses bound ones unless forced. */
export async function uninstall(
  s: FakeState,
  driverId: string,
  opts: Parameters<RuntimeApi['uninstall']>[1],
  principal: Principal,
): Promise<UpgradeRecord> {
  const d = driverOf(s, driverId);
  const versions = opts.version ? [opts.version] : [...d.versions.keys()];
  for (const version of versions) {
    versionOf(d, version);
    const bound = boundTo(s, driverId, version);
    if (bound.length > 0 && !opts.force) {
      fail(
        'CHASSIS_E_UNINSTALL_BOUND',
        `${driverId}@${version} still serves ${bound.join(', ')}; move them or use force.`,
        { driver: driverId, version, resources: bound },
      );
    }
  }
  return guarded(s, driverId, async () => {
    const record = startRecord(s, 'uninstall', driverId, principal, { from: versions.join(',') });
    return runRecorded(s, record, async () => {
      for (const version of versions) {
        const v = d.versions.get(version)!;
        const path: DriverState[] =
          v.state === 'Running' || v.state === 'Suspended'
            ? ['Stopping', 'Stopped', 'Unloaded']
            : v.state === 'Failed' || v.state === 'Stopped' || v.state === 'Loaded'
              ? ['Unloaded']
              : [];
        await move(s, driverId, version, path);
        for (const id of boundTo(s, driverId, version)) s.resources.delete(id);
        d.versions.delete(version);
        d.previous = d.previous.filter((p) => p !== version);
        if (d.active === version) delete d.active;
      }
      if (d.versions.size === 0) s.drivers.delete(driverId);
      return {};
    });
  });
}

/** `RuntimeApi.restart`: moves a (Failed) version back through Starting to Running. */
export async function restart(
  s: FakeState,
  driverId: string,
  opts: Parameters<RuntimeApi['restart']>[1],
): Promise<void> {
  const d = driverOf(s, driverId);
  const version = opts.version ?? d.active;
  if (!version) fail('CHASSIS_E_UPGRADE_NOT_INSTALLED', `${driverId} has no active version.`);
  // An operator restart starts a new count, as the runtime's restart supervisor does.
  delete versionOf(d, version).restarts;
  await move(s, driverId, version, ['Starting', 'Running']);
}
