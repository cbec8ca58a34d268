import type { HypervisorDriver } from '@chassis/hypervisor';
import type { DriverDefinition, OperationContext } from '@chassis/kernel';
import { SimCluster } from './cluster.js';
import { domainXml } from './domain-xml.js';
import type { KvmProperties } from './properties.js';

type Ctx = OperationContext<KvmProperties>;

/** One simulated cluster per hypervisor resource and URL, for as long as this version runs. */
const clusters = new Map<string, SimCluster>();

function cluster(ctx: Ctx): SimCluster {
  // Keyed by URL too: pointing the resource at another cluster is a different set of hosts.
  const key = `${ctx.resource.id} ${ctx.properties.url}`;
  let c = clusters.get(key);
  if (!c) {
    c = new SimCluster(ctx.properties.url, ctx.t);
    clusters.set(key, c);
    ctx.logger.info({ cluster: c.name, user: ctx.properties.username }, 'connected to KVM cluster');
  }
  return c;
}

const hypervisor = {
  discoverHosts(ctx, query) {
    const hosts = cluster(ctx).hosts();
    ctx.logger.debug({ query, found: hosts.length }, 'hosts discovered');
    return hosts;
  },

  toVmSpec(_ctx, profile) {
    return {
      name: profile.name,
      cpus: profile.cpus,
      memoryBytes: profile.memoryBytes,
      disks: profile.disks,
      nics: profile.nics,
      definition: domainXml(profile),
    };
  },

  startVm(ctx, spec, hostId) {
    const vm = cluster(ctx).start(spec, hostId, ctx.t);
    ctx.logger.info({ vm: vm.name, host: vm.hostId }, 'VM started');
    return vm;
  },

  stopVm(ctx, vmName, options) {
    const vm = cluster(ctx).stop(vmName, ctx.t);
    ctx.logger.info({ vm: vm.name, force: options.force === true }, 'VM stopped');
    return vm;
  },

  rebootVm(ctx, vmName) {
    return cluster(ctx).reboot(vmName, ctx.t);
  },

  migrateVm(ctx, vmName, targetHostId) {
    return cluster(ctx).migrate(vmName, targetHostId, ctx.t);
  },

  vmStates(ctx, hostId?: string) {
    return cluster(ctx).states(hostId);
  },

  hostStats(ctx, hostId) {
    return cluster(ctx).stats(hostId, ctx.t);
  },
} satisfies HypervisorDriver<KvmProperties>;

/** The CAR's entry: a KVM/libvirt cluster, simulated in memory. */
export default {
  start(ctx) {
    ctx.logger.info({ driver: ctx.driver.id }, 'KVM driver started');
  },
  stop() {
    clusters.clear();
  },
  health() {
    return { healthy: true, detail: `${clusters.size} cluster(s) connected` };
  },
  provides: { hypervisor },
} satisfies DriverDefinition;
