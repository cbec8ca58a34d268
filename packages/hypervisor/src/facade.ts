import {
  type FacadeCallOptions,
  FacadeChannel,
  type FacadeRouter,
  isNonEmptyString,
  isPositiveInteger,
  requireArgument,
} from '@chassis/kernel';
import type {
  HostInfo,
  HostQuery,
  HostStats,
  HypervisorDriver,
  StopVmOptions,
  VmProfile,
  VmSpec,
  VmStatus,
} from './contract.js';
import { HYPERVISOR, HYPERVISOR_CATEGORY } from './point.js';

/**
 * What the management server calls for hypervisors. Each method names the hypervisor resource
 * (a cluster or host manager) first and runs on the driver bound to it, through its compartment.
 */
export class HypervisorFacade {
  readonly #channel: FacadeChannel<HypervisorDriver>;

  constructor(router: FacadeRouter) {
    this.#channel = new FacadeChannel(router, HYPERVISOR, HYPERVISOR_CATEGORY);
  }

  async discoverHosts(
    clusterId: string,
    query: HostQuery = {},
    options?: FacadeCallOptions,
  ): Promise<readonly HostInfo[]> {
    return this.#channel.call(clusterId, 'discoverHosts', [query], options);
  }

  async toVmSpec(
    clusterId: string,
    profile: VmProfile,
    options?: FacadeCallOptions,
  ): Promise<VmSpec> {
    const op = 'toVmSpec';
    requireArgument(isNonEmptyString(profile?.name), 'profile.name', 'a non-empty string', op);
    requireArgument(isPositiveInteger(profile.cpus), 'profile.cpus', 'a positive integer', op);
    requireArgument(
      isPositiveInteger(profile.memoryBytes),
      'profile.memoryBytes',
      'a positive integer',
      op,
    );
    requireArgument(Array.isArray(profile.disks), 'profile.disks', 'a list of disks', op);
    requireArgument(Array.isArray(profile.nics), 'profile.nics', 'a list of NICs', op);
    return this.#channel.call(clusterId, op, [profile], options);
  }

  async startVm(
    clusterId: string,
    spec: VmSpec,
    hostId: string,
    options?: FacadeCallOptions,
  ): Promise<VmStatus> {
    requireArgument(isNonEmptyString(spec?.name), 'spec.name', 'a non-empty string', 'startVm');
    requireArgument(isNonEmptyString(hostId), 'hostId', 'a non-empty string', 'startVm');
    return this.#channel.call(clusterId, 'startVm', [spec, hostId], options);
  }

  async stopVm(
    clusterId: string,
    vmName: string,
    stop: StopVmOptions = {},
    options?: FacadeCallOptions,
  ): Promise<VmStatus> {
    requireArgument(isNonEmptyString(vmName), 'vmName', 'a non-empty string', 'stopVm');
    return this.#channel.call(clusterId, 'stopVm', [vmName, stop], options);
  }

  async rebootVm(
    clusterId: string,
    vmName: string,
    options?: FacadeCallOptions,
  ): Promise<VmStatus> {
    requireArgument(isNonEmptyString(vmName), 'vmName', 'a non-empty string', 'rebootVm');
    return this.#channel.call(clusterId, 'rebootVm', [vmName], options);
  }

  async migrateVm(
    clusterId: string,
    vmName: string,
    targetHostId: string,
    options?: FacadeCallOptions,
  ): Promise<VmStatus> {
    requireArgument(isNonEmptyString(vmName), 'vmName', 'a non-empty string', 'migrateVm');
    requireArgument(
      isNonEmptyString(targetHostId),
      'targetHostId',
      'a non-empty string',
      'migrateVm',
    );
    return this.#channel.call(clusterId, 'migrateVm', [vmName, targetHostId], options);
  }

  async vmStates(
    clusterId: string,
    hostId?: string,
    options?: FacadeCallOptions,
  ): Promise<readonly VmStatus[]> {
    return this.#channel.call(clusterId, 'vmStates', hostId === undefined ? [] : [hostId], options);
  }

  async hostStats(
    clusterId: string,
    hostId: string,
    options?: FacadeCallOptions,
  ): Promise<HostStats> {
    requireArgument(isNonEmptyString(hostId), 'hostId', 'a non-empty string', 'hostStats');
    return this.#channel.call(clusterId, 'hostStats', [hostId], options);
  }
}
