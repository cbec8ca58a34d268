import 'reflect-metadata';
import { pathToFileURL } from 'node:url';
import {
  type DriverState,
  driverKey,
  type LifecycleEntry,
  type LifecycleEvent,
  LifecycleManager,
  type Resource,
  ResourceRegistry,
  startDrivers,
  stopDrivers,
} from '@chassis/kernel';
import {
  type DemoDriver,
  type DemoPrimaryStorage,
  IscsiGatewayStorageDriver,
  KvmHypervisorDriver,
  NvpNetworkDriver,
  SolidFireStorageDriver,
} from './drivers.js';

/** The demo's driver ids by role (the iSCSI gateway `requires` the SolidFire cluster). */
export const DEMO_DRIVERS = {
  network: 'com.example.nvp',
  storageBase: 'com.example.solidfire',
  storageDependent: 'com.example.iscsi-gateway',
  hypervisor: 'com.example.kvm',
} as const;

/** What one demo run did, for tests and the exit code. */
export interface DemoResult {
  /** Driver ids in the order they reached `Running`. */
  readonly startOrder: readonly string[];
  /** Driver ids in the order they reached `Stopped`. */
  readonly stopOrder: readonly string[];
  /** `id: CODE` of every driver that failed to start or stop (empty on success). */
  readonly failed: readonly string[];
  /** Every lifecycle transition, in order. */
  readonly transitions: readonly LifecycleEvent[];
}

const BRING_UP: readonly DriverState[] = ['Verified', 'Resolved', 'Loaded'];

/**
 * Runs the kernel demo: registers four in-memory drivers, takes them Discovered → Loaded,
 * starts them in dependency order, works on one resource per driver through its compartment,
 * then stops them in reverse and unloads them. Every line goes to `print`; nothing printed
 * depends on time, so the output is the same on every run.
 */
export async function runDemo(print: (line: string) => void = console.log): Promise<DemoResult> {
  const nvp = new NvpNetworkDriver(DEMO_DRIVERS.network, '1.4.0');
  const solidfire = new SolidFireStorageDriver(DEMO_DRIVERS.storageBase, '2.1.0');
  const gateway = new IscsiGatewayStorageDriver(DEMO_DRIVERS.storageDependent, '1.0.0', solidfire);
  const kvm = new KvmHypervisorDriver(DEMO_DRIVERS.hypervisor, '3.0.0');
  // Listed out of order on purpose: the kernel's planOrder decides the order, not this list.
  const entries: LifecycleEntry[] = [
    entry(kvm, 'hypervisor'),
    entry(gateway, 'storage', [{ id: solidfire.id, version: '^2.0.0' }]),
    entry(nvp, 'network'),
    entry(solidfire, 'storage'),
  ];
  const width = Math.max(...entries.map((e) => driverKey(e).length));

  const lifecycle = new LifecycleManager();
  const transitions: LifecycleEvent[] = [];
  const subscription = lifecycle.lifecycle$.subscribe((event) => {
    transitions.push(event);
    print(formatTransition(event, width));
  });
  const options = { lifecycle, startTimeoutMs: 2_000, stopTimeoutMs: 2_000 };

  print('== Chassis kernel demo: 4 in-memory drivers ==');
  print('-- discover, verify, resolve, load');
  for (const e of entries) {
    lifecycle.register(e.id, e.version);
    print(`lifecycle  ${driverKey(e).padEnd(width)}  (new) → Discovered`);
    for (const state of BRING_UP) lifecycle.transition(e.id, e.version, state);
  }

  print('-- start (category rank, then dependencies, then name)');
  const started = await startDrivers(entries, options);
  const startOrder = started.started.map((r) => r.driver);
  print(`start order: ${startOrder.join(' → ')}`);
  const failed = started.failed.map((f) => `${f.driver}: ${f.error.code}`);
  for (const line of failed) print(`FAILED to start ${line}`);

  if (failed.length === 0) {
    print('-- work on one resource per driver, through its compartment');
    await operate(print, { nvp, solidfire, gateway, kvm });
  }

  print('-- stop (exact reverse of the start order)');
  const stopped = await stopDrivers(entries, options);
  const stopOrder = stopped.stopped.map((r) => r.driver);
  print(`stop order: ${stopOrder.join(' → ')}`);
  for (const f of stopped.failed) {
    failed.push(`${f.driver}: ${f.error.code}`);
    print(`FAILED to stop ${f.driver}: ${f.error.code}`);
  }

  print('-- unload');
  for (const r of stopped.stopped) lifecycle.transition(r.driver, r.version, 'Unloaded');
  const states = [...lifecycle.snapshot().values()].map((s) => `${s.driver}=${s.state}`);
  print(`final states: ${states.join(', ')}`);

  subscription.unsubscribe();
  lifecycle.close();
  return { startOrder, stopOrder, failed, transitions };
}

async function operate(
  print: (line: string) => void,
  drivers: {
    nvp: NvpNetworkDriver;
    solidfire: SolidFireStorageDriver;
    gateway: IscsiGatewayStorageDriver;
    kvm: KvmHypervisorDriver;
  },
): Promise<void> {
  const { nvp, solidfire, gateway, kvm } = drivers;
  const networks = new ResourceRegistry<NvpNetworkDriver>();
  const pools = new ResourceRegistry<DemoPrimaryStorage>();
  const hosts = new ResourceRegistry<KvmHypervisorDriver>();

  const net = networks.add(resource('net-guest', 'network', 'network', nvp), bind(nvp), nvp);
  const sfPool = pools.add(
    resource('pool-sf-1', 'primary-storage-pool', 'storage', solidfire),
    bind(solidfire),
    solidfire,
  );
  const gwPool = pools.add(
    resource('pool-gw-1', 'primary-storage-pool', 'storage', gateway),
    bind(gateway),
    gateway,
  );
  const host = hosts.add(resource('host-kvm-1', 'host', 'hypervisor', kvm), bind(kvm), kvm);
  for (const e of [net, sfPool, gwPool, host]) {
    const r = e.resource;
    print(
      `resource   ${r.id.padEnd(10)}  ${r.kind} served by ${e.binding.driverId}@${e.binding.version}`,
    );
  }
  const op = (id: string, text: string) => print(`op         ${id.padEnd(10)}  ${text}`);

  const network = await net.compartment.submit((d) => d.createNetwork('guest-net', '10.1.0.0/24'));
  op('net-guest', `createNetwork guest-net 10.1.0.0/24 → ${network.id}`);
  const ip = await net.compartment.submit((d) => d.prepareNic(network.id, 'vm-1'));
  op('net-guest', `prepareNic vm-1 → ${ip}`);

  const root = await sfPool.compartment.submit((d) => d.createVolume('vm-1-root', 20));
  op('pool-sf-1', `createVolume vm-1-root 20 GiB → ${root.id}`);
  op(
    'pool-sf-1',
    `grantAccess ${root.id} → ${await sfPool.compartment.submit((d) => d.grantAccess(root.id, 'host-kvm-1'))}`,
  );

  // A suspended compartment queues new work instead of losing it; resume runs it in order.
  sfPool.compartment.suspend();
  const queued = sfPool.compartment.submit((d) => d.createVolume('vm-1-swap', 4));
  op(
    'pool-sf-1',
    `suspended; createVolume vm-1-swap queued (${sfPool.compartment.queued} waiting)`,
  );
  sfPool.compartment.resume();
  op('pool-sf-1', `resumed; createVolume vm-1-swap 4 GiB → ${(await queued).id}`);

  const data = await gwPool.compartment.submit((d) => d.createVolume('vm-1-data', 100));
  op('pool-gw-1', `createVolume vm-1-data 100 GiB → ${data.id}`);
  op(
    'pool-gw-1',
    `grantAccess ${data.id} → ${await gwPool.compartment.submit((d) => d.grantAccess(data.id, 'host-kvm-1'))}`,
  );
  op('pool-sf-1', `cluster provisioned ${solidfire.usedGiB()} GiB (gateway volumes included)`);

  op(
    'host-kvm-1',
    `startVm vm-1 → ${await host.compartment.submit((d) => d.startVm('vm-1', { ip, volume: root.id }))}`,
  );
  op('host-kvm-1', `stopVm vm-1 → ${await host.compartment.submit((d) => d.stopVm('vm-1'))}`);

  // Close compartments before the drivers stop: in-flight work finishes, nothing new starts.
  for (const [registry, id] of [
    [hosts, 'host-kvm-1'],
    [pools, 'pool-gw-1'],
    [pools, 'pool-sf-1'],
    [networks, 'net-guest'],
  ] as const) {
    await registry.remove(id);
  }
  print('resource   all compartments closed');
}

function entry(
  driver: DemoDriver,
  category: string,
  requires?: LifecycleEntry['requires'],
): LifecycleEntry {
  return {
    id: driver.id,
    version: driver.version,
    category,
    ...(requires ? { requires } : {}),
    start: (signal) => driver.start(signal),
    stop: (signal) => driver.stop(signal),
  };
}

function resource(id: string, kind: string, category: string, driver: DemoDriver): Resource {
  return { id, kind, category, driverId: driver.id };
}

function bind(driver: DemoDriver): { driverId: string; version: string } {
  return { driverId: driver.id, version: driver.version };
}

function formatTransition(event: LifecycleEvent, width: number): string {
  const key = driverKey({ id: event.driver, version: event.version }).padEnd(width);
  const cause = event.cause ? `  (${event.cause.code}: ${event.cause.message})` : '';
  return `lifecycle  ${key}  ${event.from} → ${event.to}${cause}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runDemo().then(
    (result) => {
      if (result.failed.length > 0) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
