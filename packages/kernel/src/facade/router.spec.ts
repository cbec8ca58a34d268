import { describe, expect, it } from 'vitest';
import type {
  DriverHandle,
  InvocationContext,
  InvokeOptions,
  PropertyBag,
} from '../driver/driver-definition.js';
import { ChassisError } from '../errors/chassis-error.js';
import { createExtensionPoint } from '../extension/extension-point.js';
import { ResourceRegistry } from '../resource/registry.js';
import type { Resource, ResourceBinding } from '../resource/resource.js';
import { FacadeChannel } from './channel.js';
import { type ConfigurationLookup, FacadeRouter } from './router.js';

interface Call {
  readonly point: string;
  readonly method: string;
  readonly ctx: InvocationContext;
  readonly args: readonly unknown[];
  readonly options: InvokeOptions | undefined;
  readonly version: string;
}

type Impl = (call: Call) => Promise<unknown> | unknown;

function fakeHandle(version: string, calls: Call[], impl: Impl = () => 'ok'): DriverHandle {
  return {
    id: 'com.example.sf',
    version,
    tier: 'in-process',
    start: async () => {},
    stop: async () => {},
    health: async () => ({ healthy: true }),
    migrate: async (_from, state) => state,
    invoke: async (point, method, ctx, args, options) => {
      const call = { point, method, ctx, args, options, version };
      calls.push(call);
      return impl(call);
    },
    dispose: async () => {},
  };
}

const pool: Resource = {
  id: 'pool-1',
  kind: 'primary-storage-pool',
  category: 'storage',
  driverId: 'com.example.sf',
  attributes: { zone: 'z1' },
};
const v1: ResourceBinding = { driverId: 'com.example.sf', version: '1.0.0' };

function configs(bags: Record<string, PropertyBag | undefined>): ConfigurationLookup {
  return { propertiesFor: async (r, b) => bags[`${r.id}@${b.version}`] };
}

function setup(impl?: Impl, bags = { 'pool-1@1.0.0': Object.freeze({ mVip: '10.0.0.1' }) }) {
  const calls: Call[] = [];
  const registry = new ResourceRegistry<DriverHandle>();
  const entry = registry.add(pool, v1, fakeHandle('1.0.0', calls, impl));
  const router = new FacadeRouter(registry, configs(bags));
  return { calls, registry, entry, router };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(ChassisError.is(err)).toBe(true);
    return (err as ChassisError).code;
  }
  throw new Error('expected a rejection');
}

describe('FacadeRouter', () => {
  it('invokes the bound handle with the validated bag, the resource and the locale', async () => {
    const { router, calls } = setup(({ args }) => ({ echoed: args }));
    const result = await router.call('pool-1', 'storage.primary', 'createVolume', [{ size: 1 }], {
      category: 'storage',
      locale: 'fr',
    });
    expect(result).toEqual({ echoed: [{ size: 1 }] });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.point).toBe('storage.primary');
    expect(call?.method).toBe('createVolume');
    expect(call?.ctx).toEqual({ properties: { mVip: '10.0.0.1' }, resource: pool, locale: 'fr' });
    expect(call?.ctx.resource).not.toBe(pool);
    expect(call?.options?.signal).toBeInstanceOf(AbortSignal);
    expect(call?.options?.deadline).toBeUndefined();
  });

  it('defaults the locale to en and accepts a token for the point', async () => {
    const { router, calls } = setup();
    const point = createExtensionPoint<object>('storage.primary', '1.0.0');
    await router.call('pool-1', point, 'stats', []);
    expect(calls[0]?.ctx.locale).toBe('en');
    expect(calls[0]?.point).toBe('storage.primary');
  });

  it.each([
    ['an unknown resource', 'pool-x', 'storage', 'CHASSIS_E_RESOURCE_NOT_FOUND'],
    ['another category', 'pool-1', 'network', 'CHASSIS_E_FACADE_WRONG_CATEGORY'],
  ])('refuses %s before queuing anything', async (_name, id, category, code) => {
    const { router, calls } = setup();
    expect(await codeOf(router.call(id, 'storage.primary', 'stats', [], { category }))).toBe(code);
    expect(calls).toHaveLength(0);
  });

  it('refuses a resource without configuration', async () => {
    const { router, calls } = setup(undefined, {} as never);
    expect(await codeOf(router.call('pool-1', 'storage.primary', 'stats', []))).toBe(
      'CHASSIS_E_FACADE_NOT_CONFIGURED',
    );
    expect(calls).toHaveLength(0);
  });

  it('refuses when no driver instance is bound', async () => {
    const registry = new ResourceRegistry<DriverHandle>();
    registry.add(pool, v1, undefined as unknown as DriverHandle);
    const router = new FacadeRouter(registry, configs({ 'pool-1@1.0.0': {} }));
    expect(await codeOf(router.call('pool-1', 'storage.primary', 'stats', []))).toBe(
      'CHASSIS_E_FACADE_NO_DRIVER',
    );
  });

  it.each([
    ['a raw driver error', Object.assign(new Error('volume vol-9 does not exist'), { code: 'SF' })],
    ['a registered Chassis code', new ChassisError('CHASSIS_E_PROPS_INVALID', 'x')],
    ['CHASSIS_E_UNKNOWN', new ChassisError('CHASSIS_E_UNKNOWN', 'x')],
    [
      "the handle's one wrap",
      new ChassisError('CHASSIS_E_DRIVER_OPERATION_FAILED', 'driver x@1: threw', {
        details: { driver: 'x', resource: 'pool-1', errorCode: 'NVP_EXHAUSTED' },
      }),
    ],
  ])('passes %s through unchanged (the handle wraps once, not the router)', async (_n, thrown) => {
    const { router } = setup(() => {
      throw thrown;
    });
    const err = await router.call('pool-1', 'storage.primary', 'stats', []).catch((e) => e);
    expect(err).toBe(thrown);
  });

  it('runs calls on one resource one at a time, in order', async () => {
    const log: string[] = [];
    const { router } = setup(async ({ args }) => {
      log.push(`start ${args[0]}`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`end ${args[0]}`);
      return args[0];
    });
    const results = await Promise.all(
      [1, 2, 3].map((n) => router.call('pool-1', 'storage.primary', 'op', [n])),
    );
    expect(results).toEqual([1, 2, 3]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('uses the configuration of the version bound when a queued call finally runs', async () => {
    const calls: Call[] = [];
    const registry = new ResourceRegistry<DriverHandle>();
    const entry = registry.add(pool, v1, fakeHandle('1.0.0', calls));
    const router = new FacadeRouter(
      registry,
      configs({ 'pool-1@1.0.0': { gen: 1 }, 'pool-1@2.0.0': { gen: 2 } }),
    );
    entry.compartment.suspend();
    const pending = router.call('pool-1', 'storage.primary', 'stats', []);
    await new Promise((r) => setTimeout(r, 0));
    entry.compartment.rebind(fakeHandle('2.0.0', calls));
    registry.setBinding('pool-1', { ...v1, version: '2.0.0' });
    entry.compartment.resume();
    await pending;
    expect(calls.map((c) => [c.version, c.ctx.properties])).toEqual([['2.0.0', { gen: 2 }]]);
  });

  it('enforces timeoutMs in the compartment and hands its signal and deadline down', async () => {
    let seen: InvokeOptions | undefined;
    const { router } = setup(
      ({ options }) =>
        new Promise((resolve) => {
          seen = options;
          options?.signal?.addEventListener('abort', () => resolve('late'), { once: true });
        }),
    );
    const before = Date.now();
    expect(
      await codeOf(router.call('pool-1', 'storage.primary', 'stats', [], { timeoutMs: 20 })),
    ).toBe('CHASSIS_E_RESOURCE_OP_TIMEOUT');
    expect(seen?.deadline).toBeGreaterThanOrEqual(before + 20);
    expect(seen?.signal?.aborted).toBe(true);
    // The reason the handle (and a guest, serialised) sees is the owner's typed error.
    expect(ChassisError.is(seen?.signal?.reason, 'CHASSIS_E_RESOURCE_OP_TIMEOUT')).toBe(true);
  });

  it('drops a queued call whose caller aborts, without invoking the driver', async () => {
    const { router, calls, entry } = setup();
    entry.compartment.suspend();
    const controller = new AbortController();
    const pending = router.call('pool-1', 'storage.primary', 'stats', [], {
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 0));
    controller.abort();
    expect(await codeOf(pending)).toBe('CHASSIS_E_RESOURCE_OP_ABORTED');
    entry.compartment.resume();
    expect(calls).toHaveLength(0);
  });
});

describe('FacadeChannel', () => {
  interface Contract {
    stats(ctx: unknown, detail: boolean): Promise<{ used: number }>;
  }
  const point = createExtensionPoint<Contract>('storage.primary', '1.0.0');

  it('passes its category and point and types the result', async () => {
    const { router, calls } = setup(() => ({ used: 7 }));
    const channel = new FacadeChannel(router, point, 'storage');
    const stats: { used: number } = await channel.call('pool-1', 'stats', [true]);
    expect(stats.used).toBe(7);
    expect(calls[0]?.args).toEqual([true]);
    const wrong = new FacadeChannel(router, point, 'network');
    expect(await codeOf(wrong.call('pool-1', 'stats', [true]))).toBe(
      'CHASSIS_E_FACADE_WRONG_CATEGORY',
    );
  });
});
