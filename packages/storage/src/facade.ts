import {
  type FacadeCallOptions,
  FacadeChannel,
  type FacadeRouter,
  isNonEmptyString,
  isPositiveInteger,
  requireArgument,
} from '@chassis/kernel';
import type {
  AccessGrant,
  AttachResult,
  AttachScope,
  HostAccess,
  PoolInfo,
  PoolStats,
  PoolStatus,
  PrimaryStorageDriver,
  Snapshot,
  StorageCapabilities,
  Volume,
  VolumeSpec,
} from './contract.js';
import { PRIMARY_STORAGE, STORAGE_CATEGORY } from './point.js';

/**
 * What the management server calls for primary storage. Each method names the pool resource
 * first and runs on the driver bound to that pool, through its compartment. Obviously wrong
 * arguments are refused with `CHASSIS_E_FACADE_INVALID_ARGUMENT` before anything is queued.
 */
export class StorageFacade {
  readonly #channel: FacadeChannel<PrimaryStorageDriver>;

  constructor(router: FacadeRouter) {
    this.#channel = new FacadeChannel(router, PRIMARY_STORAGE, STORAGE_CATEGORY);
  }

  async initialize(poolId: string, options?: FacadeCallOptions): Promise<PoolInfo> {
    return this.#channel.call(poolId, 'initialize', [], options);
  }

  async attach(
    poolId: string,
    scope: AttachScope,
    options?: FacadeCallOptions,
  ): Promise<AttachResult> {
    requireArgument(
      isNonEmptyString(scope?.zoneId),
      'scope.zoneId',
      'a non-empty string',
      'attach',
    );
    requireArgument(Array.isArray(scope.hostIds), 'scope.hostIds', 'a list of host ids', 'attach');
    return this.#channel.call(poolId, 'attach', [scope], options);
  }

  async setMaintenance(
    poolId: string,
    enabled: boolean,
    options?: FacadeCallOptions,
  ): Promise<PoolStatus> {
    requireArgument(typeof enabled === 'boolean', 'enabled', 'true or false', 'setMaintenance');
    return this.#channel.call(poolId, 'setMaintenance', [enabled], options);
  }

  async createVolume(
    poolId: string,
    spec: VolumeSpec,
    options?: FacadeCallOptions,
  ): Promise<Volume> {
    const op = 'createVolume';
    requireArgument(isNonEmptyString(spec?.name), 'spec.name', 'a non-empty string', op);
    requireArgument(isPositiveInteger(spec.sizeBytes), 'spec.sizeBytes', 'a positive integer', op);
    for (const key of ['minIops', 'maxIops'] as const) {
      const v = spec[key];
      requireArgument(
        v === undefined || isPositiveInteger(v),
        `spec.${key}`,
        'a positive integer',
        op,
      );
    }
    requireArgument(
      spec.minIops === undefined || spec.maxIops === undefined || spec.minIops <= spec.maxIops,
      'spec.minIops',
      'at most spec.maxIops',
      op,
    );
    return this.#channel.call(poolId, op, [spec], options);
  }

  async deleteVolume(poolId: string, volumeId: string, options?: FacadeCallOptions): Promise<void> {
    requireArgument(isNonEmptyString(volumeId), 'volumeId', 'a non-empty string', 'deleteVolume');
    return this.#channel.call(poolId, 'deleteVolume', [volumeId], options);
  }

  async resizeVolume(
    poolId: string,
    volumeId: string,
    newSizeBytes: number,
    options?: FacadeCallOptions,
  ): Promise<Volume> {
    const op = 'resizeVolume';
    requireArgument(isNonEmptyString(volumeId), 'volumeId', 'a non-empty string', op);
    requireArgument(isPositiveInteger(newSizeBytes), 'newSizeBytes', 'a positive integer', op);
    return this.#channel.call(poolId, op, [volumeId, newSizeBytes], options);
  }

  async takeSnapshot(
    poolId: string,
    volumeId: string,
    name: string,
    options?: FacadeCallOptions,
  ): Promise<Snapshot> {
    requireArgument(isNonEmptyString(volumeId), 'volumeId', 'a non-empty string', 'takeSnapshot');
    requireArgument(isNonEmptyString(name), 'name', 'a non-empty string', 'takeSnapshot');
    return this.#channel.call(poolId, 'takeSnapshot', [volumeId, name], options);
  }

  async revertSnapshot(
    poolId: string,
    snapshotId: string,
    options?: FacadeCallOptions,
  ): Promise<Volume> {
    requireArgument(
      isNonEmptyString(snapshotId),
      'snapshotId',
      'a non-empty string',
      'revertSnapshot',
    );
    return this.#channel.call(poolId, 'revertSnapshot', [snapshotId], options);
  }

  async grantAccess(
    poolId: string,
    volumeId: string,
    host: HostAccess,
    options?: FacadeCallOptions,
  ): Promise<AccessGrant> {
    const op = 'grantAccess';
    requireArgument(isNonEmptyString(volumeId), 'volumeId', 'a non-empty string', op);
    requireArgument(isNonEmptyString(host?.hostId), 'host.hostId', 'a non-empty string', op);
    requireArgument(isNonEmptyString(host.initiator), 'host.initiator', 'a non-empty string', op);
    return this.#channel.call(poolId, op, [volumeId, host], options);
  }

  async revokeAccess(
    poolId: string,
    volumeId: string,
    hostId: string,
    options?: FacadeCallOptions,
  ): Promise<void> {
    requireArgument(isNonEmptyString(volumeId), 'volumeId', 'a non-empty string', 'revokeAccess');
    requireArgument(isNonEmptyString(hostId), 'hostId', 'a non-empty string', 'revokeAccess');
    return this.#channel.call(poolId, 'revokeAccess', [volumeId, hostId], options);
  }

  async stats(poolId: string, options?: FacadeCallOptions): Promise<PoolStats> {
    return this.#channel.call(poolId, 'stats', [], options);
  }

  async capabilities(poolId: string, options?: FacadeCallOptions): Promise<StorageCapabilities> {
    return this.#channel.call(poolId, 'capabilities', [], options);
  }
}
