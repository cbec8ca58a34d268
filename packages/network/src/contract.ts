import type { Awaitable, OperationContext, PropertyBag } from '@chassis/kernel';

/** The network services a device may provide (CloudStack's `Network.Service`). */
export type NetworkService =
  | 'connectivity'
  | 'dhcp'
  | 'dns'
  | 'sourceNat'
  | 'staticNat'
  | 'portForwarding'
  | 'firewall'
  | 'lb'
  | 'vpn'
  | 'gateway';

/** Who the device is and what it offers. */
export interface NetworkProvider {
  readonly name: string;
  readonly services: readonly NetworkService[];
}

/** Per-service capability details, e.g. `{ lb: { algorithms: 'roundrobin,leastconn' } }`. */
export type NetworkCapabilities = Readonly<
  Partial<Record<NetworkService, Readonly<Record<string, string>>>>
>;

/** The answer to "can you provide these services?". */
export interface ServiceCheck {
  readonly supported: boolean;
  readonly unsupported: readonly NetworkService[];
}

/** A guest network to implement on the device. */
export interface NetworkSpec {
  /** The management server's network id; the driver keys its state by it. */
  readonly id: string;
  readonly name: string;
  /** IPv4 CIDR, e.g. `10.1.1.0/24`. */
  readonly cidr: string;
  /** Defaults to the first host address of the CIDR. */
  readonly gateway?: string;
  readonly vlan?: number;
  readonly services: readonly NetworkService[];
}

/** A network as the device implemented it. */
export interface ImplementedNetwork {
  readonly networkId: string;
  /** How hosts reach it, e.g. `lswitch:<uuid>` or `vlan://100`. */
  readonly broadcastUri: string;
  readonly cidr: string;
  readonly gateway: string;
  readonly state: 'implemented';
}

/** A NIC of a VM to plug into a network; the driver picks an address when none is given. */
export interface NicSpec {
  readonly id: string;
  readonly vmId: string;
  readonly mac?: string;
  readonly ipv4?: string;
}

/** A prepared NIC: everything the hypervisor needs to plug the VM in. */
export interface Nic {
  readonly id: string;
  readonly networkId: string;
  readonly vmId: string;
  readonly mac: string;
  readonly ipv4: string;
  readonly netmask: string;
  readonly gateway: string;
  readonly broadcastUri: string;
}

/** A public IP to associate with (`add`) or release from (`revoke`) a network. */
export interface PublicIp {
  readonly address: string;
  readonly sourceNat?: boolean;
  readonly state: 'add' | 'revoke';
}

/** What `applyIps` did. */
export interface IpApplyResult {
  readonly applied: readonly string[];
  readonly revoked: readonly string[];
}

/**
 * The `network.device` contract (after CloudStack's NetworkElement): a device resource (a
 * controller or appliance) on which guest networks are implemented, NICs prepared and public IPs
 * applied. Every method gets the device's {@link OperationContext} first; arguments and results
 * are plain data. `P` is the driver's own property bag type.
 */
export interface NetworkDeviceDriver<P extends PropertyBag = PropertyBag> {
  provider(ctx: OperationContext<P>): Awaitable<NetworkProvider>;
  capabilities(ctx: OperationContext<P>): Awaitable<NetworkCapabilities>;
  verifyServices(
    ctx: OperationContext<P>,
    services: readonly NetworkService[],
  ): Awaitable<ServiceCheck>;
  /** Creates the network on the device (idempotent for the same `spec.id`). */
  implement(ctx: OperationContext<P>, network: NetworkSpec): Awaitable<ImplementedNetwork>;
  prepareNic(ctx: OperationContext<P>, networkId: string, nic: NicSpec): Awaitable<Nic>;
  releaseNic(ctx: OperationContext<P>, networkId: string, nicId: string): Awaitable<void>;
  applyIps(
    ctx: OperationContext<P>,
    networkId: string,
    ips: readonly PublicIp[],
  ): Awaitable<IpApplyResult>;
  /** Stops the network; with `cleanup`, also releases its NICs. Returns whether it was running. */
  shutdown(ctx: OperationContext<P>, networkId: string, cleanup: boolean): Awaitable<boolean>;
  /** Removes the network from the device. Returns whether it existed. */
  destroy(ctx: OperationContext<P>, networkId: string): Awaitable<boolean>;
}
