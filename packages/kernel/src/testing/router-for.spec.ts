import { describe, expect, it } from 'vitest';
import type { OperationContext } from '../driver/driver-definition.js';
import { ChassisError } from '../errors/chassis-error.js';
import { routerFor } from './router-for.js';

const driver = { id: 'com.example.pool', version: '1.0.0' };
const definition = {
  provides: {
    'storage.primary': {
      where: (ctx: OperationContext, n: number) => ({
        resource: ctx.resource.id,
        driverId: ctx.resource.driverId,
        props: ctx.properties,
        n,
      }),
    },
  },
};

function router() {
  return routerFor(definition, driver, {
    resources: [
      { id: 'pool-1', kind: 'pool', category: 'storage' },
      { id: 'net-1', kind: 'network', category: 'network' },
      { id: 'pool-2', kind: 'pool', category: 'storage' },
    ],
    propertiesFor: (r) => (r.id === 'pool-2' ? undefined : { mVip: `${r.id}.vip` }),
  });
}

describe('routerFor', () => {
  it('routes each resource to the driver with its own configuration', async () => {
    expect(await router().call('pool-1', 'storage.primary', 'where', [3])).toEqual({
      resource: 'pool-1',
      driverId: driver.id,
      props: { mVip: 'pool-1.vip' },
      n: 3,
    });
  });

  it.each([
    ['an unknown resource', 'pool-9', 'CHASSIS_E_RESOURCE_NOT_FOUND'],
    ['a resource of another category', 'net-1', 'CHASSIS_E_FACADE_WRONG_CATEGORY'],
    ['an unconfigured resource', 'pool-2', 'CHASSIS_E_FACADE_NOT_CONFIGURED'],
  ] as const)('refuses %s', async (_name, id, code) => {
    await expect(
      router().call(id, 'storage.primary', 'where', [1], { category: 'storage' }),
    ).rejects.toSatisfy((e) => ChassisError.is(e, code));
  });
});
