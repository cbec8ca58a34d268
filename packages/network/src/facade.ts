import {
  type FacadeCallOptions,
  FacadeChannel,
  type FacadeRouter,
  isNonEmptyString,
  requireArgument,
} from '@chassis/kernel';
import type {
  ImplementedNetwork,
  IpApplyResult,
  NetworkCapabilities,
  NetworkDeviceDriver,
  NetworkProvider,
  NetworkService,
  NetworkSpec,
  Nic,
  NicSpec,
  PublicIp,
  ServiceCheck,
} from './contract.js';
import { NETWORK_CATEGORY, NETWORK_DEVICE } from './point.js';

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function isIpv4Cidr(value: unknown): boolean {
  const m = typeof value === 'string' ? CIDR.exec(value) : null;
  if (!m) return false;
  return m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/**
 * What the management server calls for network devices. Each method names the device resource
 * first and runs on the driver bound to it, through its compartment.
 */
export class NetworkFacade {
  readonly #channel: FacadeChannel<NetworkDeviceDriver>;

  constructor(router: FacadeRouter) {
    this.#channel = new FacadeChannel(router, NETWORK_DEVICE, NETWORK_CATEGORY);
  }

  async provider(deviceId: string, options?: FacadeCallOptions): Promise<NetworkProvider> {
    return this.#channel.call(deviceId, 'provider', [], options);
  }

  async capabilities(deviceId: string, options?: FacadeCallOptions): Promise<NetworkCapabilities> {
    return this.#channel.call(deviceId, 'capabilities', [], options);
  }

  async verifyServices(
    deviceId: string,
    services: readonly NetworkService[],
    options?: FacadeCallOptions,
  ): Promise<ServiceCheck> {
    requireArgument(Array.isArray(services), 'services', 'a list of services', 'verifyServices');
    return this.#channel.call(deviceId, 'verifyServices', [services], options);
  }

  async implement(
    deviceId: string,
    network: NetworkSpec,
    options?: FacadeCallOptions,
  ): Promise<ImplementedNetwork> {
    const op = 'implement';
    requireArgument(isNonEmptyString(network?.id), 'network.id', 'a non-empty string', op);
    requireArgument(isNonEmptyString(network.name), 'network.name', 'a non-empty string', op);
    requireArgument(
      isIpv4Cidr(network.cidr),
      'network.cidr',
      'an IPv4 CIDR such as 10.1.1.0/24',
      op,
    );
    requireArgument(Array.isArray(network.services), 'network.services', 'a list of services', op);
    return this.#channel.call(deviceId, op, [network], options);
  }

  async prepareNic(
    deviceId: string,
    networkId: string,
    nic: NicSpec,
    options?: FacadeCallOptions,
  ): Promise<Nic> {
    const op = 'prepareNic';
    requireArgument(isNonEmptyString(networkId), 'networkId', 'a non-empty string', op);
    requireArgument(isNonEmptyString(nic?.id), 'nic.id', 'a non-empty string', op);
    requireArgument(isNonEmptyString(nic.vmId), 'nic.vmId', 'a non-empty string', op);
    return this.#channel.call(deviceId, op, [networkId, nic], options);
  }

  async releaseNic(
    deviceId: string,
    networkId: string,
    nicId: string,
    options?: FacadeCallOptions,
  ): Promise<void> {
    requireArgument(isNonEmptyString(networkId), 'networkId', 'a non-empty string', 'releaseNic');
    requireArgument(isNonEmptyString(nicId), 'nicId', 'a non-empty string', 'releaseNic');
    return this.#channel.call(deviceId, 'releaseNic', [networkId, nicId], options);
  }

  async applyIps(
    deviceId: string,
    networkId: string,
    ips: readonly PublicIp[],
    options?: FacadeCallOptions,
  ): Promise<IpApplyResult> {
    requireArgument(isNonEmptyString(networkId), 'networkId', 'a non-empty string', 'applyIps');
    requireArgument(Array.isArray(ips), 'ips', 'a list of public IPs', 'applyIps');
    return this.#channel.call(deviceId, 'applyIps', [networkId, ips], options);
  }

  async shutdown(
    deviceId: string,
    networkId: string,
    cleanup = false,
    options?: FacadeCallOptions,
  ): Promise<boolean> {
    requireArgument(isNonEmptyString(networkId), 'networkId', 'a non-empty string', 'shutdown');
    return this.#channel.call(deviceId, 'shutdown', [networkId, cleanup], options);
  }

  async destroy(
    deviceId: string,
    networkId: string,
    options?: FacadeCallOptions,
  ): Promise<boolean> {
    requireArgument(isNonEmptyString(networkId), 'networkId', 'a non-empty string', 'destroy');
    return this.#channel.call(deviceId, 'destroy', [networkId], options);
  }
}
