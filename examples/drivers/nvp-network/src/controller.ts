import { randomUUID } from 'node:crypto';
import type {
  ImplementedNetwork,
  IpApplyResult,
  NetworkService,
  NetworkSpec,
  Nic,
  NicSpec,
  PublicIp,
} from '@chassis/network';
import { DriverError } from './driver-error.js';
import type { NvpProperties } from './properties.js';
import { isIpv4, Subnet } from './subnet.js';

type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

/** Services a logical switch gives on its own. */
const SWITCH_SERVICES: readonly NetworkService[] = ['connectivity'];
/** Services that need a logical router on the L3 gateway service. */
const ROUTER_SERVICES: readonly NetworkService[] = [
  'sourceNat',
  'staticNat',
  'portForwarding',
  'gateway',
];

/** The services a controller with these properties provides. */
export function servicesOf(p: NvpProperties): readonly NetworkService[] {
  return p.l3GatewayServiceUuid ? [...SWITCH_SERVICES, ...ROUTER_SERVICES] : SWITCH_SERVICES;
}

interface LogicalSwitch {
  readonly id: string;
  readonly uuid: string;
  readonly subnet: Subnet;
  readonly gateway: string;
  state: 'implemented' | 'shutdown';
  readonly nics: Map<string, Nic>;
  readonly publicIps: Set<string>;
}

/** One simulated NVP controller cluster: the state behind one network device resource. */
export class SimController {
  readonly #switches = new Map<string, LogicalSwitch>();
  #macCounter = 0;

  /** Refreshed on every call, so a configuration change applies to the next operation. */
  constructor(public properties: NvpProperties) {}

  unsupported(services: readonly NetworkService[]): NetworkService[] {
    const offered = new Set(servicesOf(this.properties));
    // Services outside the NVP plugin's scope (dhcp, dns, lb…) are provided by other elements
    // of the network offering (e.g. the virtual router); only router services need a gateway.
    return services.filter((s) => ROUTER_SERVICES.includes(s) && !offered.has(s));
  }

  implement(spec: NetworkSpec, t: Translate): ImplementedNetwork {
    this.#requireServices(spec.services, t);
    const subnet = Subnet.parse(spec.cidr);
    if (!subnet) throw new DriverError('NVP_BAD_CIDR', t('nvp.error.badCidr', { cidr: spec.cidr }));
    const gateway = spec.gateway ?? subnet.firstHost;
    if (!subnet.isHost(gateway)) {
      throw new DriverError(
        'NVP_ADDRESS_OUTSIDE',
        t('nvp.error.addressOutside', { address: gateway, cidr: subnet.cidr }),
      );
    }
    let sw = this.#switches.get(spec.id);
    if (sw && sw.subnet.cidr !== subnet.cidr) {
      throw new DriverError(
        'NVP_CIDR_CONFLICT',
        t('nvp.error.cidrConflict', { id: spec.id, cidr: sw.subnet.cidr }),
      );
    }
    if (!sw) {
      sw = {
        id: spec.id,
        uuid: randomUUID(),
        subnet,
        gateway,
        state: 'implemented',
        nics: new Map(),
        publicIps: new Set(),
      };
      this.#switches.set(spec.id, sw);
    }
    sw.state = 'implemented';
    return {
      networkId: sw.id,
      broadcastUri: `lswitch:${sw.uuid}`,
      cidr: subnet.cidr,
      gateway: sw.gateway,
      state: 'implemented',
    };
  }

  prepareNic(networkId: string, spec: NicSpec, t: Translate): Nic {
    const sw = this.#running(networkId, t);
    const existing = sw.nics.get(spec.id);
    if (existing) return existing;
    const used = new Map<string, string>([[sw.gateway, 'gateway']]);
    for (const n of sw.nics.values()) used.set(n.ipv4, n.id);
    let address = spec.ipv4;
    if (address !== undefined) {
      if (!sw.subnet.isHost(address)) {
        throw new DriverError(
          'NVP_ADDRESS_OUTSIDE',
          t('nvp.error.addressOutside', { address, cidr: sw.subnet.cidr }),
        );
      }
      const holder = used.get(address);
      if (holder)
        throw new DriverError(
          'NVP_ADDRESS_IN_USE',
          t('nvp.error.addressInUse', { address, nic: holder }),
        );
    } else {
      address = sw.subnet.nextFree(new Set(used.keys()));
      if (!address)
        throw new DriverError('NVP_EXHAUSTED', t('nvp.error.exhausted', { cidr: sw.subnet.cidr }));
    }
    const nic: Nic = {
      id: spec.id,
      networkId,
      vmId: spec.vmId,
      mac: spec.mac ?? this.#nextMac(),
      ipv4: address,
      netmask: sw.subnet.netmask,
      gateway: sw.gateway,
      broadcastUri: `lswitch:${sw.uuid}`,
    };
    sw.nics.set(nic.id, nic);
    return nic;
  }

  releaseNic(networkId: string, nicId: string, t: Translate): void {
    this.#switch(networkId, t).nics.delete(nicId);
  }

  applyIps(networkId: string, ips: readonly PublicIp[], t: Translate): IpApplyResult {
    const sw = this.#running(networkId, t);
    const bad = ips.find((ip) => !isIpv4(ip.address));
    if (bad)
      throw new DriverError(
        'NVP_BAD_PUBLIC_IP',
        t('nvp.error.badPublicIp', { address: bad.address }),
      );
    if (ips.some((ip) => ip.state === 'add')) this.#requireServices(['sourceNat'], t);
    const applied: string[] = [];
    const revoked: string[] = [];
    for (const ip of ips) {
      if (ip.state === 'add') {
        sw.publicIps.add(ip.address);
        applied.push(ip.address);
      } else if (sw.publicIps.delete(ip.address)) {
        revoked.push(ip.address);
      }
    }
    return { applied, revoked };
  }

  shutdown(networkId: string, cleanup: boolean): boolean {
    const sw = this.#switches.get(networkId);
    if (!sw || sw.state === 'shutdown') return false;
    sw.state = 'shutdown';
    if (cleanup) {
      sw.nics.clear();
      sw.publicIps.clear();
    }
    return true;
  }

  destroy(networkId: string): boolean {
    return this.#switches.delete(networkId);
  }

  /** NICs currently plugged into a network (for tests and health). */
  nicCount(networkId: string): number {
    return this.#switches.get(networkId)?.nics.size ?? 0;
  }

  /** Throws `NVP_UNSUPPORTED_SERVICE` naming the router services this cluster cannot offer. */
  #requireServices(services: readonly NetworkService[], t: Translate): void {
    const missing = this.unsupported(services);
    if (missing.length > 0) {
      throw new DriverError(
        'NVP_UNSUPPORTED_SERVICE',
        t('nvp.error.unsupported', {
          services: missing.join(', '),
          hostname: this.properties.hostname,
        }),
      );
    }
  }

  #switch(networkId: string, t: Translate): LogicalSwitch {
    const sw = this.#switches.get(networkId);
    if (!sw) {
      throw new DriverError(
        'NVP_NETWORK_NOT_FOUND',
        t('nvp.error.networkNotFound', { id: networkId, hostname: this.properties.hostname }),
      );
    }
    return sw;
  }

  #running(networkId: string, t: Translate): LogicalSwitch {
    const sw = this.#switch(networkId, t);
    if (sw.state !== 'implemented')
      throw new DriverError('NVP_NETWORK_DOWN', t('nvp.error.networkDown', { id: networkId }));
    return sw;
  }

  /** Locally administered unicast MACs (02:…), unique per controller. */
  #nextMac(): string {
    const n = ++this.#macCounter;
    const bytes = [0x02, 0x00, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
  }
}
