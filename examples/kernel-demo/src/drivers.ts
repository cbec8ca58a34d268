/**
 * Four in-memory drivers, just enough to show the kernel at work: they keep their state in
 * maps, refuse work unless started, and the iSCSI gateway refuses to start before the storage
 * cluster it exports from is running (so a wrong start order would show up as a failure).
 */

/** Something the runner can start and stop. */
export interface DemoDriver {
  readonly id: string;
  readonly version: string;
  readonly running: boolean;
  start(signal: AbortSignal): Promise<void>;
  stop(signal: AbortSignal): Promise<void>;
}

/** A guest network as the network driver reports it. */
export interface DemoNetwork {
  readonly id: string;
  readonly name: string;
  readonly cidr: string;
}

/** A volume as the storage drivers report it. */
export interface DemoVolume {
  readonly id: string;
  readonly name: string;
  readonly sizeGiB: number;
}

/** The slice of the `storage.primary` contract both storage drivers implement here. */
export interface DemoPrimaryStorage extends DemoDriver {
  createVolume(name: string, sizeGiB: number): DemoVolume;
  grantAccess(volumeId: string, initiator: string): string;
}

abstract class InMemoryDriver implements DemoDriver {
  #running = false;
  constructor(
    readonly id: string,
    readonly version: string,
  ) {}

  get running(): boolean {
    return this.#running;
  }

  async start(_signal: AbortSignal): Promise<void> {
    this.#running = true;
  }

  async stop(_signal: AbortSignal): Promise<void> {
    this.#running = false;
  }

  protected ensureRunning(operation: string): void {
    if (!this.#running) {
      throw new Error(`${this.id}@${this.version} is not running; cannot ${operation}`);
    }
  }
}

/** Nicira-NVP-like network device driver (category `network`). */
export class NvpNetworkDriver extends InMemoryDriver {
  readonly #networks = new Map<string, DemoNetwork & { nextHost: number }>();

  createNetwork(name: string, cidr: string): DemoNetwork {
    this.ensureRunning('create a network');
    const network = { id: `lswitch-${this.#networks.size + 1}`, name, cidr, nextHost: 10 };
    this.#networks.set(network.id, network);
    return { id: network.id, name, cidr };
  }

  /** Plugs a NIC into a network; returns its IP (the next free host address). */
  prepareNic(networkId: string, vmName: string): string {
    this.ensureRunning(`prepare a NIC for ${vmName}`);
    const network = this.#networks.get(networkId);
    if (!network) throw new Error(`no network ${networkId}`);
    const prefix = network.cidr.split('.').slice(0, 3).join('.');
    return `${prefix}.${network.nextHost++}`;
  }
}

/** SolidFire-like storage cluster (category `storage`). */
export class SolidFireStorageDriver extends InMemoryDriver implements DemoPrimaryStorage {
  readonly #volumes = new Map<string, DemoVolume>();

  createVolume(name: string, sizeGiB: number): DemoVolume {
    this.ensureRunning('create a volume');
    const volume = { id: `sf-vol-${this.#volumes.size + 1}`, name, sizeGiB };
    this.#volumes.set(volume.id, volume);
    return volume;
  }

  grantAccess(volumeId: string, initiator: string): string {
    this.ensureRunning('grant access');
    if (!this.#volumes.has(volumeId)) throw new Error(`no volume ${volumeId}`);
    return `iqn.2010-01.com.solidfire:${volumeId} → ${initiator}`;
  }

  /** Total provisioned GiB. */
  usedGiB(): number {
    let total = 0;
    for (const v of this.#volumes.values()) total += v.sizeGiB;
    return total;
  }
}

/** An iSCSI gateway exporting volumes it carves from the SolidFire cluster (`requires` it). */
export class IscsiGatewayStorageDriver extends InMemoryDriver implements DemoPrimaryStorage {
  constructor(
    id: string,
    version: string,
    private readonly backend: SolidFireStorageDriver,
  ) {
    super(id, version);
  }

  override async start(signal: AbortSignal): Promise<void> {
    if (!this.backend.running) {
      throw new Error(`${this.id} needs ${this.backend.id} running before it starts`);
    }
    await super.start(signal);
  }

  createVolume(name: string, sizeGiB: number): DemoVolume {
    this.ensureRunning('create a volume');
    const backing = this.backend.createVolume(`gw-${name}`, sizeGiB);
    return { id: `gw-${backing.id}`, name, sizeGiB };
  }

  grantAccess(volumeId: string, initiator: string): string {
    this.ensureRunning('grant access');
    return `iscsi://gateway.local:3260/${volumeId} → ${initiator}`;
  }
}

/** KVM-like hypervisor host driver (category `hypervisor`). */
export class KvmHypervisorDriver extends InMemoryDriver {
  readonly #vms = new Map<string, 'Running' | 'Stopped'>();

  startVm(name: string, spec: { readonly ip: string; readonly volume: string }): string {
    this.ensureRunning(`start VM ${name}`);
    this.#vms.set(name, 'Running');
    return `${name} Running (ip ${spec.ip}, root ${spec.volume})`;
  }

  stopVm(name: string): string {
    this.ensureRunning(`stop VM ${name}`);
    if (!this.#vms.has(name)) throw new Error(`no VM ${name}`);
    this.#vms.set(name, 'Stopped');
    return `${name} Stopped`;
  }

  vmStates(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.#vms);
  }
}
