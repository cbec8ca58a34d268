import { ChassisError, type DriverDefinition } from '@chassis/kernel';
import { recordingProvider, routerFor } from '@chassis/kernel/testing';
import { describe, expect, it } from 'vitest';
import type { NetworkDeviceDriver, NetworkSpec } from './contract.js';
import { NetworkFacade } from './facade.js';
import { NETWORK_DEVICE } from './point.js';

const { provider: recording, calls } = recordingProvider<NetworkDeviceDriver>();
const definition = { provides: { 'network.device': recording } } satisfies DriverDefinition;

function setup() {
  calls.length = 0;
  const router = routerFor(
    definition,
    { id: 'com.example.nvp', version: '1.0.0' },
    {
      resources: [
        { id: 'nvp-1', kind: 'network-device', category: 'network' },
        { id: 'pool-1', kind: 'network-device', category: 'storage' },
      ],
      propertiesFor: async () => Object.freeze({ hostname: 'nvp.example' }),
    },
  );
  return new NetworkFacade(router);
}

const net: NetworkSpec = { id: 'n1', name: 'guest', cidr: '10.1.1.0/24', services: ['dhcp'] };
const nic = { id: 'nic-1', vmId: 'vm-1' };
const ips = [{ address: '203.0.113.5', state: 'add' as const, sourceNat: true }];

describe('NetworkFacade', () => {
  it('exposes the network.device token at contract 1.0.0', () => {
    expect(NETWORK_DEVICE).toMatchObject({ id: 'network.device', version: '1.0.0' });
  });

  it.each([
    ['provider', (f: NetworkFacade) => f.provider('nvp-1'), []],
    ['capabilities', (f: NetworkFacade) => f.capabilities('nvp-1'), []],
    [
      'verifyServices',
      (f: NetworkFacade) => f.verifyServices('nvp-1', ['dhcp', 'lb']),
      [['dhcp', 'lb']],
    ],
    ['implement', (f: NetworkFacade) => f.implement('nvp-1', net), [net]],
    ['prepareNic', (f: NetworkFacade) => f.prepareNic('nvp-1', 'n1', nic), ['n1', nic]],
    ['releaseNic', (f: NetworkFacade) => f.releaseNic('nvp-1', 'n1', 'nic-1'), ['n1', 'nic-1']],
    ['applyIps', (f: NetworkFacade) => f.applyIps('nvp-1', 'n1', ips), ['n1', ips]],
    ['shutdown', (f: NetworkFacade) => f.shutdown('nvp-1', 'n1', true), ['n1', true]],
    ['destroy', (f: NetworkFacade) => f.destroy('nvp-1', 'n1'), ['n1']],
  ] as const)(
    '%s routes to the driver with its arguments and the device context',
    async (method, run, args) => {
      const facade = setup();
      expect(await run(facade)).toEqual({ method });
      expect(calls).toEqual([
        { method, args, props: { hostname: 'nvp.example' }, resource: 'nvp-1' },
      ]);
    },
  );

  it('shuts down without cleanup by default', async () => {
    const facade = setup();
    await facade.shutdown('nvp-1', 'n1');
    expect(calls[0]?.args).toEqual(['n1', false]);
  });

  it.each([
    [
      'a CIDR without prefix',
      (f: NetworkFacade) => f.implement('nvp-1', { ...net, cidr: '10.1.1.0' }),
    ],
    [
      'a CIDR with a bad octet',
      (f: NetworkFacade) => f.implement('nvp-1', { ...net, cidr: '10.1.256.0/24' }),
    ],
    [
      'a CIDR with a bad prefix',
      (f: NetworkFacade) => f.implement('nvp-1', { ...net, cidr: '10.1.1.0/33' }),
    ],
    ['a network without id', (f: NetworkFacade) => f.implement('nvp-1', { ...net, id: '' })],
    ['a NIC without VM', (f: NetworkFacade) => f.prepareNic('nvp-1', 'n1', { id: 'x', vmId: '' })],
    ['an empty network id', (f: NetworkFacade) => f.destroy('nvp-1', '')],
    ['IPs that are not a list', (f: NetworkFacade) => f.applyIps('nvp-1', 'n1', 'x' as never)],
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
    await expect(facade.provider('pool-1')).rejects.toSatisfy((e) =>
      ChassisError.is(e, 'CHASSIS_E_FACADE_WRONG_CATEGORY'),
    );
  });
});
