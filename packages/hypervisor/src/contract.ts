import type { Awaitable, OperationContext, PropertyBag } from '@chassis/kernel';

/** Whether a host takes VMs. */
export type HostState = 'up' | 'down' | 'maintenance';

/** Which hosts to look for. */
export interface HostQuery {
  readonly zoneId?: string;
  readonly clusterId?: string;
}

/** A hypervisor host found by `discoverHosts`. */
export interface HostInfo {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly cpuCores: number;
  readonly cpuMhz?: number;
  readonly memoryBytes: number;
  readonly state: HostState;
  /** Hypervisor/virtualisation stack version (e.g. libvirt), semver when the vendor has one. */
  readonly hypervisorVersion: string;
}

/** A disk of a VM: a volume prepared by a storage driver. */
export interface VmDisk {
  readonly volumeId: string;
  /** Where the host finds it (IQN/LUN, file path…). */
  readonly path: string;
  readonly sizeBytes?: number;
}

/** A NIC of a VM: one prepared by a network driver. */
export interface VmNic {
  readonly nicId: string;
  readonly mac: string;
  readonly networkId: string;
  readonly broadcastUri?: string;
}

/** What the management server wants to run, independent of the hypervisor. */
export interface VmProfile {
  readonly name: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  /** Guest OS hint, e.g. `linux`, `windows`. */
  readonly os?: string;
  readonly disks: readonly VmDisk[];
  readonly nics: readonly VmNic[];
}

/** A profile translated for the hypervisor: `definition` is its native form (e.g. domain XML). */
export interface VmSpec {
  readonly name: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly disks: readonly VmDisk[];
  readonly nics: readonly VmNic[];
  readonly definition: string;
}

/** Power state of a VM. */
export type VmPowerState = 'running' | 'stopped' | 'paused' | 'migrating' | 'unknown';

/** Where a VM is and what it is doing. */
export interface VmStatus {
  readonly name: string;
  readonly hostId: string;
  readonly state: VmPowerState;
  /** When the VM entered this state, ISO 8601. */
  readonly since: string;
}

/** Options of `stopVm`. */
export interface StopVmOptions {
  /** Power off instead of asking the guest to shut down. */
  readonly force?: boolean;
}

/** Usage of one host. */
export interface HostStats {
  readonly hostId: string;
  /** 0..1 */
  readonly cpuUtilisation: number;
  readonly memoryUsedBytes: number;
  readonly memoryTotalBytes: number;
  readonly vmCount: number;
  readonly uptimeSeconds: number;
}

/**
 * The `hypervisor` contract (after CloudStack's HypervisorGuru and ServerResource): a cluster
 * or host-manager resource whose hosts run VMs. Every method gets the resource's
 * {@link OperationContext} first; arguments and results are plain data. `P` is the driver's own
 * property bag type.
 */
export interface HypervisorDriver<P extends PropertyBag = PropertyBag> {
  discoverHosts(ctx: OperationContext<P>, query: HostQuery): Awaitable<readonly HostInfo[]>;
  /** Translates a hypervisor-independent profile into this hypervisor's VM definition. */
  toVmSpec(ctx: OperationContext<P>, profile: VmProfile): Awaitable<VmSpec>;
  startVm(ctx: OperationContext<P>, spec: VmSpec, hostId: string): Awaitable<VmStatus>;
  stopVm(ctx: OperationContext<P>, vmName: string, options: StopVmOptions): Awaitable<VmStatus>;
  rebootVm(ctx: OperationContext<P>, vmName: string): Awaitable<VmStatus>;
  /** Live-migrates a running VM to another host of the same resource. */
  migrateVm(ctx: OperationContext<P>, vmName: string, targetHostId: string): Awaitable<VmStatus>;
  /** The VMs the hypervisor knows, on one host or on all. */
  vmStates(ctx: OperationContext<P>, hostId?: string): Awaitable<readonly VmStatus[]>;
  hostStats(ctx: OperationContext<P>, hostId: string): Awaitable<HostStats>;
}
