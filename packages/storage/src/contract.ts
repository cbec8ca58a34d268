import type { Awaitable, OperationContext, PropertyBag } from '@chassis/kernel';

/** How hosts reach the pool's volumes. */
export type StorageProtocol = 'iscsi' | 'nfs' | 'fc' | 'rbd';

/** What `initialize` learns about a pool from the device. */
export interface PoolInfo {
  readonly capacityBytes: number;
  readonly usedBytes: number;
  readonly protocol: StorageProtocol;
  /** Data-path endpoint hosts connect to, e.g. `10.0.0.2:3260`. */
  readonly endpoint: string;
  /** Firmware or software version the device reports. */
  readonly deviceVersion?: string;
}

/** Where a pool is attached: a zone, optionally one cluster, and its hosts. */
export interface AttachScope {
  readonly zoneId: string;
  readonly clusterId?: string;
  readonly hostIds: readonly string[];
}

/** Hosts that can use the pool after `attach`. */
export interface AttachResult {
  readonly attachedHostIds: readonly string[];
}

/** Whether a pool takes new work. */
export type PoolState = 'up' | 'maintenance';

/** A pool's state after `setMaintenance`. */
export interface PoolStatus {
  readonly state: PoolState;
}

/** What to create. IOPS bounds are optional; a driver may fill them from its defaults. */
export interface VolumeSpec {
  readonly name: string;
  readonly sizeBytes: number;
  readonly minIops?: number;
  readonly maxIops?: number;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A volume on a primary storage pool. */
export interface Volume {
  readonly id: string;
  readonly name: string;
  readonly sizeBytes: number;
  readonly minIops?: number;
  readonly maxIops?: number;
  /** iSCSI target name, for block protocols. */
  readonly iqn?: string;
  /** Where hosts find it (IQN/LUN, export path…). */
  readonly path: string;
  /** ISO 8601. */
  readonly createdAt: string;
}

/** A point-in-time copy of a volume. */
export interface Snapshot {
  readonly id: string;
  readonly volumeId: string;
  readonly name: string;
  readonly sizeBytes: number;
  /** ISO 8601. */
  readonly createdAt: string;
}

/** The host asking for access, with its initiator name (e.g. its iSCSI IQN). */
export interface HostAccess {
  readonly hostId: string;
  readonly initiator: string;
}

/** What a host needs to connect to a volume it was granted. */
export interface AccessGrant {
  readonly volumeId: string;
  readonly hostId: string;
  readonly initiator: string;
  readonly target: { readonly address: string; readonly port: number; readonly iqn: string };
}

/** Capacity and usage of a pool. */
export interface PoolStats {
  readonly capacityBytes: number;
  readonly usedBytes: number;
  /** Sum of volume sizes (may exceed capacity with thin provisioning). */
  readonly provisionedBytes: number;
  readonly volumeCount: number;
  readonly snapshotCount: number;
  readonly provisionedIops?: number;
}

/** What the device supports; the management server hides what it does not. */
export interface StorageCapabilities {
  readonly protocols: readonly StorageProtocol[];
  readonly snapshots: boolean;
  readonly revertSnapshot: boolean;
  readonly resize: boolean;
  /** Whether `resizeVolume` may make a volume smaller. */
  readonly shrink: boolean;
  readonly qos: boolean;
  readonly thinProvisioning: boolean;
  readonly maxVolumeSizeBytes?: number;
}

/**
 * The `storage.primary` contract (after CloudStack's PrimaryDataStoreDriver and
 * PrimaryDataStoreLifeCycle): one pool per resource, volumes and snapshots on it, and host
 * access control. Every method gets the {@link OperationContext} of the pool first; arguments
 * and results are plain data. `P` is the driver's own property bag type.
 */
export interface PrimaryStorageDriver<P extends PropertyBag = PropertyBag> {
  /** Connects to the device and reports the pool (first call after configuration). */
  initialize(ctx: OperationContext<P>): Awaitable<PoolInfo>;
  /** Makes the pool usable by the hosts of a zone/cluster. */
  attach(ctx: OperationContext<P>, scope: AttachScope): Awaitable<AttachResult>;
  /** Enters or leaves maintenance: no new volumes while in maintenance. */
  setMaintenance(ctx: OperationContext<P>, enabled: boolean): Awaitable<PoolStatus>;
  createVolume(ctx: OperationContext<P>, spec: VolumeSpec): Awaitable<Volume>;
  deleteVolume(ctx: OperationContext<P>, volumeId: string): Awaitable<void>;
  resizeVolume(ctx: OperationContext<P>, volumeId: string, newSizeBytes: number): Awaitable<Volume>;
  takeSnapshot(ctx: OperationContext<P>, volumeId: string, name: string): Awaitable<Snapshot>;
  /** Restores a volume to a snapshot; returns the volume as it is now. */
  revertSnapshot(ctx: OperationContext<P>, snapshotId: string): Awaitable<Volume>;
  grantAccess(ctx: OperationContext<P>, volumeId: string, host: HostAccess): Awaitable<AccessGrant>;
  revokeAccess(ctx: OperationContext<P>, volumeId: string, hostId: string): Awaitable<void>;
  stats(ctx: OperationContext<P>): Awaitable<PoolStats>;
  capabilities(ctx: OperationContext<P>): Awaitable<StorageCapabilities>;
}
