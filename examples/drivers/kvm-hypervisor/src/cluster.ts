import type { HostInfo, HostStats, VmPowerState, VmSpec, VmStatus } from '@chassis/hypervisor';
import semver from 'semver';
import { DriverError } from './driver-error.js';

type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

const GiB = 2 ** 30;
/** Memory each host keeps for itself (the hypervisor, libvirt, the agent). */
export const HOST_RESERVED_BYTES = GiB;

/** The simulated hosts: two current ones and one on an older libvirt. */
const HOST_MODELS = [
  { cores: 32, mhz: 2600, memory: 256 * GiB, libvirt: '8.0.0' },
  { cores: 32, mhz: 2600, memory: 256 * GiB, libvirt: '8.0.0' },
  { cores: 16, mhz: 2200, memory: 64 * GiB, libvirt: '6.2.0' },
] as const;

interface SimVm {
  readonly spec: VmSpec;
  hostId: string;
  state: VmPowerState;
  since: string;
}

const mib = (n: number): string => `${Math.round(n / 2 ** 20)} MiB`;

/** One simulated KVM cluster: the state behind one hypervisor resource. */
export class SimCluster {
  readonly name: string;
  readonly #hosts: HostInfo[];
  readonly #vms = new Map<string, SimVm>();
  readonly #bootedAt = Date.now();

  constructor(url: string, t: Translate) {
    let hostname: string;
    try {
      hostname = new URL(url).hostname;
    } catch {
      hostname = '';
    }
    if (!hostname) throw new DriverError('KVM_BAD_URL', t('kvm.error.badUrl', { url }));
    this.name = hostname;
    const base = hostname.split('.')[0];
    this.#hosts = HOST_MODELS.map((m, i) => ({
      id: `${base}-h${i + 1}`,
      name: `${base}-h${i + 1}.${hostname}`,
      address: `192.0.2.${11 + i}`,
      cpuCores: m.cores,
      cpuMhz: m.mhz,
      memoryBytes: m.memory,
      state: 'up',
      hypervisorVersion: m.libvirt,
    }));
  }

  hosts(): readonly HostInfo[] {
    return this.#hosts.map((h) => ({ ...h }));
  }

  start(spec: VmSpec, hostId: string, t: Translate): VmStatus {
    const existing = this.#vms.get(spec.name);
    if (existing?.state === 'running') {
      throw new DriverError(
        'KVM_VM_RUNNING',
        t('kvm.error.vmRunning', { vm: spec.name, host: existing.hostId }),
      );
    }
    this.#checkRoom(this.#host(hostId, t), spec, t);
    const vm: SimVm = { spec, hostId, state: 'running', since: new Date().toISOString() };
    this.#vms.set(spec.name, vm);
    return status(vm);
  }

  stop(name: string, t: Translate): VmStatus {
    const vm = this.#vm(name, t);
    if (vm.state !== 'stopped') {
      vm.state = 'stopped';
      vm.since = new Date().toISOString();
    }
    return status(vm);
  }

  reboot(name: string, t: Translate): VmStatus {
    const vm = this.#running(name, t);
    vm.since = new Date().toISOString();
    return status(vm);
  }

  migrate(name: string, targetHostId: string, t: Translate): VmStatus {
    const vm = this.#running(name, t);
    const target = this.#host(targetHostId, t);
    if (vm.hostId === target.id) {
      throw new DriverError(
        'KVM_SAME_HOST',
        t('kvm.error.sameHost', { vm: name, host: target.id }),
      );
    }
    // QEMU/libvirt can migrate forward (old → new) but not back to an older stack.
    const from = this.#host(vm.hostId, t).hypervisorVersion;
    if (semver.lt(target.hypervisorVersion, from)) {
      throw new DriverError(
        'KVM_OLDER_LIBVIRT',
        t('kvm.error.olderLibvirt', {
          vm: name,
          from,
          to: target.hypervisorVersion,
          host: target.id,
        }),
      );
    }
    this.#checkRoom(target, vm.spec, t);
    vm.hostId = target.id;
    return status(vm);
  }

  states(hostId?: string): VmStatus[] {
    return [...this.#vms.values()]
      .filter((vm) => hostId === undefined || vm.hostId === hostId)
      .map(status)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  stats(hostId: string, t: Translate): HostStats {
    const host = this.#host(hostId, t);
    const running = this.#runningOn(host.id);
    const vcpus = running.reduce((sum, vm) => sum + vm.spec.cpus, 0);
    return {
      hostId: host.id,
      // A guest vCPU keeps about a quarter of a core busy on average.
      cpuUtilisation: Math.min(1, Math.round((vcpus * 250) / host.cpuCores) / 1000),
      memoryUsedBytes:
        HOST_RESERVED_BYTES + running.reduce((sum, vm) => sum + vm.spec.memoryBytes, 0),
      memoryTotalBytes: host.memoryBytes,
      vmCount: running.length,
      uptimeSeconds: Math.floor((Date.now() - this.#bootedAt) / 1000),
    };
  }

  #runningOn(hostId: string): SimVm[] {
    return [...this.#vms.values()].filter((vm) => vm.hostId === hostId && vm.state === 'running');
  }

  #checkRoom(host: HostInfo, spec: VmSpec, t: Translate): void {
    if (host.state !== 'up') {
      throw new DriverError(
        'KVM_HOST_DOWN',
        t('kvm.error.hostDown', { host: host.id, state: host.state }),
      );
    }
    const used = this.#runningOn(host.id).reduce((sum, vm) => sum + vm.spec.memoryBytes, 0);
    const free = host.memoryBytes - HOST_RESERVED_BYTES - used;
    if (spec.memoryBytes > free) {
      throw new DriverError(
        'KVM_NO_MEMORY',
        t('kvm.error.noMemory', {
          host: host.id,
          free: mib(free),
          vm: spec.name,
          needed: mib(spec.memoryBytes),
        }),
      );
    }
  }

  #host(id: string, t: Translate): HostInfo {
    const host = this.#hosts.find((h) => h.id === id);
    if (!host)
      throw new DriverError(
        'KVM_HOST_NOT_FOUND',
        t('kvm.error.hostNotFound', { host: id, cluster: this.name }),
      );
    return host;
  }

  #vm(name: string, t: Translate): SimVm {
    const vm = this.#vms.get(name);
    if (!vm)
      throw new DriverError(
        'KVM_VM_NOT_FOUND',
        t('kvm.error.vmNotFound', { vm: name, cluster: this.name }),
      );
    return vm;
  }

  #running(name: string, t: Translate): SimVm {
    const vm = this.#vm(name, t);
    if (vm.state !== 'running') {
      throw new DriverError(
        'KVM_VM_NOT_RUNNING',
        t('kvm.error.vmNotRunning', { vm: name, state: vm.state }),
      );
    }
    return vm;
  }
}

function status(vm: SimVm): VmStatus {
  return { name: vm.spec.name, hostId: vm.hostId, state: vm.state, since: vm.since };
}
