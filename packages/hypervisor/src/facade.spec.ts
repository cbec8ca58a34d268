import { ChassisError, type DriverDefinition } from '@chassis/kernel';
import { recordingProvider, routerFor } from '@chassis/kernel/testing';
import { describe, expect, it } from 'vitest';
import type { HypervisorDriver, VmProfile, VmSpec } from './contract.js';
import { HypervisorFacade } from './facade.js';
import { HYPERVISOR } from './point.js';

const { provider: recording, calls } = recordingProvider<HypervisorDriver>();
const definition = { provides: { hypervisor: recording } } satisfies DriverDefinition;

function setup() {
  calls.length = 0;
  const router = routerFor(
    definition,
    { id: 'com.example.kvm', version: '1.0.0' },
    {
      resources: [
        { id: 'kvm-1', kind: 'cluster', category: 'hypervisor' },
        { id: 'net-1', kind: 'cluster', category: 'network' },
      ],
      propertiesFor: () => Object.freeze({ url: 'qemu+ssh://kvm1/system' }),
    },
  );
  return new HypervisorFacade(router);
}

const profile: VmProfile = { name: 'vm-1', cpus: 2, memoryBytes: 2 ** 31, disks: [], nics: [] };
const spec: VmSpec = { ...profile, definition: '<domain/>' };

describe('HypervisorFacade', () => {
  it('exposes the hypervisor token at contract 1.0.0', () => {
    expect(HYPERVISOR).toMatchObject({ id: 'hypervisor', version: '1.0.0' });
  });

  it.each([
    [
      'discoverHosts',
      (f: HypervisorFacade) => f.discoverHosts('kvm-1', { zoneId: 'z' }),
      [{ zoneId: 'z' }],
    ],
    ['toVmSpec', (f: HypervisorFacade) => f.toVmSpec('kvm-1', profile), [profile]],
    ['startVm', (f: HypervisorFacade) => f.startVm('kvm-1', spec, 'h1'), [spec, 'h1']],
    [
      'stopVm',
      (f: HypervisorFacade) => f.stopVm('kvm-1', 'vm-1', { force: true }),
      ['vm-1', { force: true }],
    ],
    ['rebootVm', (f: HypervisorFacade) => f.rebootVm('kvm-1', 'vm-1'), ['vm-1']],
    ['migrateVm', (f: HypervisorFacade) => f.migrateVm('kvm-1', 'vm-1', 'h2'), ['vm-1', 'h2']],
    ['vmStates', (f: HypervisorFacade) => f.vmStates('kvm-1', 'h1'), ['h1']],
    ['hostStats', (f: HypervisorFacade) => f.hostStats('kvm-1', 'h1'), ['h1']],
  ] as const)(
    '%s routes to the driver with its arguments and the cluster context',
    async (method, run, args) => {
      const facade = setup();
      expect(await run(facade)).toEqual({ method });
      expect(calls).toEqual([
        { method, args, props: { url: 'qemu+ssh://kvm1/system' }, resource: 'kvm-1' },
      ]);
    },
  );

  it.each([
    ['discoverHosts', (f: HypervisorFacade) => f.discoverHosts('kvm-1'), [{}]],
    ['stopVm', (f: HypervisorFacade) => f.stopVm('kvm-1', 'vm-1'), ['vm-1', {}]],
    ['vmStates', (f: HypervisorFacade) => f.vmStates('kvm-1'), []],
  ] as const)('%s fills its optional arguments', async (_method, run, args) => {
    const facade = setup();
    await run(facade);
    expect(calls[0]?.args).toEqual(args);
  });

  it.each([
    ['zero CPUs', (f: HypervisorFacade) => f.toVmSpec('kvm-1', { ...profile, cpus: 0 })],
    ['no memory', (f: HypervisorFacade) => f.toVmSpec('kvm-1', { ...profile, memoryBytes: 0 })],
    ['an unnamed VM', (f: HypervisorFacade) => f.toVmSpec('kvm-1', { ...profile, name: '' })],
    ['a start without host', (f: HypervisorFacade) => f.startVm('kvm-1', spec, '')],
    ['a migration without target', (f: HypervisorFacade) => f.migrateVm('kvm-1', 'vm-1', ' ')],
    ['a stop without VM', (f: HypervisorFacade) => f.stopVm('kvm-1', '')],
  ])(
    'refuses %s with a rejection (never a synchronous throw), before calling the driver',
    async (_name, run) => {
      const facade = setup();
      let result: Promise<unknown> | undefined;
      expect(() => {
        result = run(facade);
      }).not.toThrow();
      await expect(result).rejects.toMatchObject({ code: 'CHASSIS_E_FACADE_INVALID_ARGUMENT' });
      expect(calls).toHaveLength(0);
    },
  );

  it('refuses a resource of another category', async () => {
    const facade = setup();
    await expect(facade.vmStates('net-1')).rejects.toSatisfy((e) =>
      ChassisError.is(e, 'CHASSIS_E_FACADE_WRONG_CATEGORY'),
    );
  });
});
