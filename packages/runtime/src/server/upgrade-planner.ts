import { readCar } from '@chassis/car';
import {
  ChassisError,
  checkContractUpgrade,
  type DriverHandle,
  type ResourceRegistry,
  serializeError,
} from '@chassis/kernel';
import type { UpgradeOptions, UpgradePlan } from '../api/operations.js';
import type { SignatureInfo } from '../api/runtime-api.js';
import type { DriverManager } from '../manager/driver-manager.js';
import type { LoadedVersion } from '../manager/types.js';
import { movable, newestInstalled, sourceVersion } from '../manager/upgrade.js';
import { DEFAULT_ROLLOUT, planRollout } from '../upgrade/rollout-plan.js';
import type { ResourceService } from './resource-service.js';

type Target = Pick<LoadedVersion, 'descriptor' | 'messages'>;

/** True when two signatures name different signers (or one is signed and the other not). */
export function signerChanged(a: SignatureInfo, b: SignatureInfo): boolean {
  return a.signed !== b.signed || a.vendor !== b.vendor || a.subject !== b.subject;
}

/**
 * Computes what an upgrade with `options` would do, changing nothing: the same source
 * version, rollout batches and pinned-resource rule as the upgrade itself, plus the
 * configuration, contract and signer checks against the target version. The target must be
 * installed (a version not yet fetched from the repository has no descriptor to check).
 */
export async function planUpgrade(
  manager: DriverManager,
  resources: ResourceRegistry<DriverHandle>,
  service: ResourceService,
  driverId: string,
  options: UpgradeOptions,
): Promise<UpgradePlan> {
  const inst = manager.drivers.get(driverId);
  if (!inst) {
    throw new ChassisError(
      'CHASSIS_E_UPGRADE_NOT_INSTALLED',
      `Driver ${driverId} is not installed`,
      {
        details: { driver: driverId },
      },
    );
  }
  const subset = options.resources;
  const from = subset ? sourceVersion(resources, driverId, subset) : inst.record.active;
  const to = options.version ?? newestInstalled(inst.record);
  const toRec = inst.record.versions.find((v) => v.version === to);
  const fromRec = inst.record.versions.find((v) => v.version === from);
  if (!from || !fromRec || !to || !toRec) {
    throw new ChassisError(
      'CHASSIS_E_UPGRADE_NOT_INSTALLED',
      to
        ? `${driverId}@${to} is not installed; install it first (chassis drivers install), then plan again`
        : `No version of ${driverId} newer than ${from ?? 'the active one'} is installed; install one or name a version`,
      { details: { driver: driverId, version: to } },
    );
  }
  if (from === to) {
    throw new ChassisError(
      'CHASSIS_E_UPGRADE_SAME_VERSION',
      `${subset ? `Resources ${subset.join(', ')} are` : `${driverId}@${to} is`} already on ${to}`,
      { details: { driver: driverId, version: to } },
    );
  }
  const policy = options.policy ?? DEFAULT_ROLLOUT;
  const ids = subset
    ? [...subset]
    : movable(resources, (rid) => service.pinned(rid), driverId, from);
  const steps = planRollout(ids, policy);
  const describe = async (version: string, car: string): Promise<Target> => {
    const loaded = inst.loaded.get(version);
    if (loaded) return loaded;
    const archive = await readCar(car);
    return { descriptor: archive.descriptor, messages: archive.messages };
  };
  const source = await describe(from, fromRec.car);
  const target = await describe(to, toRec.car);
  const invalid = service.invalidFor(ids, target);
  const incompatible = checkContractUpgrade(source.descriptor, target.descriptor);
  const changed = signerChanged(fromRec.signature, toRec.signature);
  return {
    driverId,
    from,
    to,
    policy,
    steps: steps.map((s) => ({ resources: [...s.resources], healthCheck: s.healthCheck })),
    resources: [...ids].sort().map((id) => ({ id, from, to })),
    activeAfter: subset ? (inst.record.active ?? from) : to,
    configuration: { ok: invalid.length === 0, invalid },
    contract: incompatible ? { ok: false, error: serializeError(incompatible) } : { ok: true },
    signer: { from: fromRec.signature, to: toRec.signature, changed },
    ok: invalid.length === 0 && !incompatible,
  };
}
