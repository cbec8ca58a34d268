import { randomUUID } from 'node:crypto';
import type {
  AccessGrant,
  HostAccess,
  PoolStats,
  Snapshot,
  Volume,
  VolumeSpec,
} from '@chassis/storage';
import bytes from 'bytes';
import { DriverError } from './driver-error.js';

/** Capacity of the simulated cluster (a small 4-node cluster). */
export const CLUSTER_CAPACITY_BYTES = 20 * 2 ** 40;
/** SolidFire's per-volume limits. */
export const MAX_VOLUME_BYTES = 16 * 2 ** 40;
export const MAX_VOLUME_IOPS = 100_000;
/** Volumes are allocated in 4 KiB blocks. */
const BLOCK = 4096;
/** Data reduction (dedupe + compression) the simulation assumes for used space. */
const EFFICIENCY = 4;

type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

interface StoredSnapshot extends Snapshot {
  readonly volumeSizeBytes: number;
}

const fmt = (n: number): string => bytes.format(n, { decimalPlaces: 1 }) ?? `${n}B`;

/** One simulated SolidFire cluster: the state behind one primary storage pool resource. */
export class SimCluster {
  readonly uniqueId = randomUUID().slice(0, 4);
  maintenance = false;
  readonly attachedHosts = new Set<string>();
  readonly #volumes = new Map<string, Volume>();
  readonly #snapshots = new Map<string, StoredSnapshot>();
  /** volumeId → hostId → initiator */
  readonly #access = new Map<string, Map<string, string>>();
  #next = 1;

  /** Endpoints are refreshed on every call, so a configuration change applies to the next operation. */
  constructor(
    public mvip: string,
    public svip: string,
    public sport: number,
  ) {}

  get provisionedBytes(): number {
    let sum = 0;
    for (const v of this.#volumes.values()) sum += v.sizeBytes;
    return sum;
  }

  createVolume(spec: VolumeSpec, iops: { min: number; max: number }, t: Translate): Volume {
    if (this.maintenance)
      throw new DriverError(
        'SF_MAINTENANCE',
        t('solidfire.error.maintenance', { mvip: this.mvip }),
      );
    if ([...this.#volumes.values()].some((v) => v.name === spec.name)) {
      throw new DriverError(
        'SF_VOLUME_EXISTS',
        t('solidfire.error.volumeExists', { name: spec.name, mvip: this.mvip }),
      );
    }
    if (iops.min > iops.max || iops.max > MAX_VOLUME_IOPS) {
      throw new DriverError(
        'SF_IOPS_RANGE',
        t('solidfire.error.iopsRange', { min: iops.min, max: iops.max, limit: MAX_VOLUME_IOPS }),
      );
    }
    const size = this.#checkSize(spec.sizeBytes, 0, t);
    const id = String(this.#next++);
    const iqn = `iqn.2010-01.com.solidfire:${this.uniqueId}.${spec.name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.${id}`;
    const volume: Volume = {
      id,
      name: spec.name,
      sizeBytes: size,
      minIops: iops.min,
      maxIops: iops.max,
      iqn,
      path: `/${iqn}/0`,
      createdAt: new Date().toISOString(),
    };
    this.#volumes.set(id, volume);
    return volume;
  }

  volume(id: string, t: Translate): Volume {
    const v = this.#volumes.get(id);
    if (!v)
      throw new DriverError(
        'SF_VOLUME_NOT_FOUND',
        t('solidfire.error.volumeNotFound', { id, mvip: this.mvip }),
      );
    return v;
  }

  deleteVolume(id: string, t: Translate): void {
    this.volume(id, t);
    const hosts = [...(this.#access.get(id)?.keys() ?? [])];
    if (hosts.length > 0) {
      throw new DriverError(
        'SF_VOLUME_IN_USE',
        t('solidfire.error.inUse', { id, hosts: hosts.join(', ') }),
      );
    }
    this.#volumes.delete(id);
    this.#access.delete(id);
    for (const [sid, s] of this.#snapshots) if (s.volumeId === id) this.#snapshots.delete(sid);
  }

  resizeVolume(id: string, newSize: number, t: Translate): Volume {
    const v = this.volume(id, t);
    if (newSize < v.sizeBytes) {
      throw new DriverError(
        'SF_SHRINK',
        t('solidfire.error.shrink', { id, current: fmt(v.sizeBytes), requested: fmt(newSize) }),
      );
    }
    const size = this.#checkSize(newSize, v.sizeBytes, t);
    const resized = { ...v, sizeBytes: size };
    this.#volumes.set(id, resized);
    return resized;
  }

  takeSnapshot(volumeId: string, name: string, t: Translate): Snapshot {
    const v = this.volume(volumeId, t);
    const snapshot: StoredSnapshot = {
      id: `snap-${this.#next++}`,
      volumeId,
      name,
      sizeBytes: Math.ceil(v.sizeBytes / EFFICIENCY),
      createdAt: new Date().toISOString(),
      volumeSizeBytes: v.sizeBytes,
    };
    this.#snapshots.set(snapshot.id, snapshot);
    const { volumeSizeBytes: _, ...plain } = snapshot;
    return plain;
  }

  revertSnapshot(snapshotId: string, t: Translate): Volume {
    const s = this.#snapshots.get(snapshotId);
    if (!s)
      throw new DriverError(
        'SF_SNAPSHOT_NOT_FOUND',
        t('solidfire.error.snapshotNotFound', { id: snapshotId, mvip: this.mvip }),
      );
    const reverted = { ...this.volume(s.volumeId, t), sizeBytes: s.volumeSizeBytes };
    this.#volumes.set(reverted.id, reverted);
    return reverted;
  }

  grantAccess(volumeId: string, host: HostAccess, t: Translate): AccessGrant {
    const v = this.volume(volumeId, t);
    const group = this.#access.get(volumeId) ?? new Map<string, string>();
    this.#access.set(volumeId, group);
    group.set(host.hostId, host.initiator);
    return {
      volumeId,
      hostId: host.hostId,
      initiator: host.initiator,
      target: { address: this.svip, port: this.sport, iqn: v.iqn ?? '' },
    };
  }

  revokeAccess(volumeId: string, hostId: string, t: Translate): void {
    this.volume(volumeId, t);
    this.#access.get(volumeId)?.delete(hostId);
    if (this.#access.get(volumeId)?.size === 0) this.#access.delete(volumeId);
  }

  stats(): PoolStats {
    const provisioned = this.provisionedBytes;
    let snapshotBytes = 0;
    let iops = 0;
    for (const s of this.#snapshots.values()) snapshotBytes += s.sizeBytes;
    for (const v of this.#volumes.values()) iops += v.minIops ?? 0;
    return {
      capacityBytes: CLUSTER_CAPACITY_BYTES,
      usedBytes: Math.ceil(provisioned / EFFICIENCY) + snapshotBytes,
      provisionedBytes: provisioned,
      volumeCount: this.#volumes.size,
      snapshotCount: this.#snapshots.size,
      provisionedIops: iops,
    };
  }

  /** Rounds up to whole blocks and checks per-volume and cluster limits. */
  #checkSize(requested: number, current: number, t: Translate): number {
    const size = Math.ceil(requested / BLOCK) * BLOCK;
    if (size > MAX_VOLUME_BYTES) {
      throw new DriverError(
        'SF_VOLUME_TOO_LARGE',
        t('solidfire.error.tooLarge', { requested: fmt(size), limit: fmt(MAX_VOLUME_BYTES) }),
      );
    }
    const free = CLUSTER_CAPACITY_BYTES - this.provisionedBytes + current;
    if (size > free) {
      throw new DriverError(
        'SF_NO_SPACE',
        t('solidfire.error.noSpace', { mvip: this.mvip, requested: fmt(size), free: fmt(free) }),
      );
    }
    return size;
  }
}
