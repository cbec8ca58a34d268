import {
  ChassisError,
  type PropertyViolation,
  renderForm,
  validateProperties,
} from '@chassis/kernel';
import { routerFor } from '@chassis/kernel/testing';
import { NetworkFacade } from '@chassis/network';
import { describe, expect, it } from 'vitest';
import { projectDescriptor, projectMessages } from './__fixtures__/project.js';
import driver from './index.js';

const descriptor = projectDescriptor();
const properties = descriptor.properties ?? [];
const messages = projectMessages();

function setup(config: Record<string, unknown>) {
  const bag = validateProperties(properties, config, { driver: descriptor.id, messages });
  return new NetworkFacade(
    routerFor(driver, descriptor, {
      resources: [{ id: 'nvp-int', kind: 'network-device', category: 'network' }],
      propertiesFor: (r) => (r.id === 'nvp-int' ? bag : undefined),
      messages,
    }),
  );
}

const valid = {
  hostname: 'nvp.example.net',
  username: 'admin',
  password: 's3cret',
  transportZoneUuid: '3b4c6d2e-1f00-4a6b-9c1d-2e3f4a5b6c7d',
  l3GatewayServiceUuid: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
};

describe('NVP driver through the network facade', () => {
  it('renders its configuration form in French', () => {
    const form = renderForm(properties, messages, 'fr');
    expect(form.map((f) => [f.key, f.required, f.masked])).toEqual([
      ['hostname', true, false],
      ['username', true, false],
      ['password', true, true],
      ['transportZoneUuid', true, false],
      ['l3GatewayServiceUuid', false, false],
      ['l2GatewayServiceUuid', false, false],
    ]);
    expect(form[3]?.label).toBe('UUID de la zone de transport');
  });

  it('refuses a configuration without transport zone and with an over-long UUID', () => {
    try {
      setup({
        ...valid,
        transportZoneUuid: undefined,
        l2GatewayServiceUuid: `${valid.transportZoneUuid}-x`,
      });
      expect.unreachable();
    } catch (err) {
      expect(ChassisError.is(err, 'CHASSIS_E_PROPS_INVALID')).toBe(true);
      const violations = (err as ChassisError).details.violations as PropertyViolation[];
      expect(violations.map((v) => [v.key, v.rule])).toEqual([
        ['transportZoneUuid', 'required'],
        ['l2GatewayServiceUuid', 'maxLength'],
      ]);
    }
  });

  it('implements a network, plugs a NIC and applies a public IP', async () => {
    const network = setup(valid);
    const net = await network.implement('nvp-int', {
      id: 'net-1',
      name: 'guest',
      cidr: '10.1.1.0/24',
      services: ['connectivity', 'sourceNat'],
    });
    const nic = await network.prepareNic('nvp-int', net.networkId, { id: 'nic-1', vmId: 'vm-1' });
    expect(nic).toMatchObject({
      ipv4: '10.1.1.2',
      gateway: '10.1.1.1',
      broadcastUri: net.broadcastUri,
    });
    expect(
      await network.applyIps('nvp-int', 'net-1', [{ address: '203.0.113.5', state: 'add' }]),
    ).toEqual({
      applied: ['203.0.113.5'],
      revoked: [],
    });
    expect(await network.destroy('nvp-int', 'net-1')).toBe(true);
  });

  it('surfaces a missing L3 gateway as a driver failure with its code', async () => {
    const { l3GatewayServiceUuid: _, ...noL3 } = valid;
    const network = setup(noL3);
    await expect(
      network.implement('nvp-int', {
        id: 'n',
        name: 'n',
        cidr: '10.2.0.0/24',
        services: ['staticNat'],
      }),
    ).rejects.toMatchObject({
      code: 'CHASSIS_E_DRIVER_OPERATION_FAILED',
      details: { errorCode: 'NVP_UNSUPPORTED_SERVICE', resource: 'nvp-int' },
    });
  });
});
