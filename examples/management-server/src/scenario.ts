import { type HostInfo, HypervisorFacade, type VmStatus } from '@chassis/hypervisor';
import type { FacadeRouter } from '@chassis/kernel';
import { type ImplementedNetwork, NetworkFacade, type Nic } from '@chassis/network';
import {
  type AccessGrant,
  type PoolInfo,
  type PoolStats,
  StorageFacade,
  type Volume,
} from '@chassis/storage';
import { formatBytes, step } from './format.js';

const GiB = 2 ** 30;

/** The resource ids the scenario works on (see `DEMO_RESOURCES`). */
export interface ScenarioTargets {
  readonly network: string;
  readonly pool: string;
  readonly cluster: string;
}

/** What the scenario did, step by step (plain data, for tests). */
export interface ScenarioResult {
  readonly network: ImplementedNetwork;
  readonly nic: Nic;
  readonly pool: PoolInfo;
  readonly volume: Volume;
  readonly grant: AccessGrant;
  readonly host: HostInfo;
  readonly started: VmStatus;
  readonly stopped: VmStatus;
  readonly networkDestroyed: boolean;
  /** Pool usage after the volume was deleted. */
  readonly poolAfter: PoolStats;
}

/**
 * The scripted scenario, only through the typed facades (each call runs in the target
 * resource's compartment on the driver bound to it, in its own isolated environment): implement
 * a guest network and prepare a NIC on it, create a volume and grant a host access to it, start
 * a VM with that NIC and volume on a discovered host; then take it all down in reverse.
 */
export async function runScenario(
  router: FacadeRouter,
  targets: ScenarioTargets,
  print: (line: string) => void,
): Promise<ScenarioResult> {
  const net = new NetworkFacade(router);
  const storage = new StorageFacade(router);
  const hv = new HypervisorFacade(router);
  const vmName = 'web-01';

  const network = await net.implement(targets.network, {
    id: 'net-web',
    name: 'web tier',
    cidr: '10.1.1.0/24',
    services: ['connectivity', 'sourceNat', 'gateway'],
  });
  print(
    step(
      'network',
      `implement net-web 10.1.1.0/24 on ${targets.network} → ${network.broadcastUri}, gateway ${network.gateway}`,
    ),
  );
  const nic = await net.prepareNic(targets.network, network.networkId, {
    id: 'nic-web-01',
    vmId: vmName,
  });
  print(step('network', `prepareNic nic-web-01 → ${nic.ipv4}/${nic.netmask} mac ${nic.mac}`));

  const pool = await storage.initialize(targets.pool);
  print(
    step(
      'storage',
      `initialize ${targets.pool} → ${pool.protocol} ${pool.endpoint}, ${formatBytes(pool.capacityBytes)}${pool.deviceVersion ? ` (device ${pool.deviceVersion})` : ''}`,
    ),
  );
  const volume = await storage.createVolume(targets.pool, {
    name: `${vmName}-root`,
    sizeBytes: 20 * GiB,
    maxIops: 5000,
  });
  print(
    step(
      'storage',
      `createVolume ${volume.name} ${formatBytes(volume.sizeBytes)} → volume ${volume.id}, IOPS ${volume.minIops}-${volume.maxIops}, ${volume.iqn ?? volume.path}`,
    ),
  );

  const hosts = await hv.discoverHosts(targets.cluster);
  const host = hosts.find((h) => h.state === 'up');
  if (!host) throw new Error(`No host of ${targets.cluster} is up; cannot start ${vmName}`);
  print(
    step(
      'hypervisor',
      `discoverHosts ${targets.cluster} → ${hosts.map((h) => `${h.id} (libvirt ${h.hypervisorVersion})`).join(', ')}`,
    ),
  );
  const grant = await storage.grantAccess(targets.pool, volume.id, {
    hostId: host.id,
    initiator: `iqn.2024-01.net.example:${host.id}`,
  });
  print(
    step(
      'storage',
      `grantAccess volume ${volume.id} → ${host.id} via ${grant.target.address}:${grant.target.port}`,
    ),
  );
  const spec = await hv.toVmSpec(targets.cluster, {
    name: vmName,
    cpus: 2,
    memoryBytes: 4 * GiB,
    os: 'linux',
    disks: [{ volumeId: volume.id, path: volume.path, sizeBytes: volume.sizeBytes }],
    nics: [
      {
        nicId: nic.id,
        mac: nic.mac,
        networkId: nic.networkId,
        broadcastUri: nic.broadcastUri,
      },
    ],
  });
  const started = await hv.startVm(targets.cluster, spec, host.id);
  print(
    step(
      'hypervisor',
      `startVm ${started.name} (2 vCPU, 4 GiB, volume ${volume.id}, nic ${nic.ipv4}) on ${started.hostId} → ${started.state}`,
    ),
  );

  const stopped = await hv.stopVm(targets.cluster, vmName);
  print(step('hypervisor', `stopVm ${stopped.name} → ${stopped.state}`));
  await storage.revokeAccess(targets.pool, volume.id, host.id);
  await storage.deleteVolume(targets.pool, volume.id);
  const poolAfter = await storage.stats(targets.pool);
  print(
    step(
      'storage',
      `revokeAccess + deleteVolume volume ${volume.id} → ${poolAfter.volumeCount} volumes, ${formatBytes(poolAfter.provisionedBytes)} provisioned`,
    ),
  );
  await net.releaseNic(targets.network, network.networkId, nic.id);
  await net.shutdown(targets.network, network.networkId, true);
  const networkDestroyed = await net.destroy(targets.network, network.networkId);
  print(
    step(
      'network',
      `releaseNic + shutdown + destroy net-web → ${networkDestroyed ? 'destroyed' : 'not found'}`,
    ),
  );
  return { network, nic, pool, volume, grant, host, started, stopped, networkDestroyed, poolAfter };
}
