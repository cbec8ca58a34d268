import { type Container, inject, injectable } from 'inversify';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DEFAULT_KERNEL_CONFIG } from '../config/kernel-config.js';
import { ChassisError } from '../errors/chassis-error.js';
import { type Logger, silentLogger } from '../logger.js';
import { thrownCode as codeOf } from '../testing/error-code.js';
import { systemClock } from './clock.js';
import { createDriverContainer } from './driver-container.js';
import { createKernelContainer, type KernelServices } from './kernel-container.js';
import { KERNEL_EXPORTED_TOKENS, KernelTokens } from './kernel-tokens.js';

const lifecycle = { name: 'lifecycle' };
const resources = { name: 'resources' };
const services = (): KernelServices<typeof lifecycle, typeof resources> => ({
  logger: silentLogger,
  clock: systemClock,
  lifecycle,
  resources,
  config: DEFAULT_KERNEL_CONFIG,
});

const SECRET = Symbol.for('chassis.test.secret');
const OWN = Symbol.for('chassis.test.own');

describe('createKernelContainer', () => {
  it('binds exactly the exported services under their tokens', () => {
    const kernel = createKernelContainer(services());
    expect(kernel.get(KernelTokens.Logger)).toBe(silentLogger);
    expect(kernel.get(KernelTokens.Clock)).toBe(systemClock);
    expect(kernel.get(KernelTokens.Lifecycle)).toBe(lifecycle);
    expect(kernel.get(KernelTokens.ResourceRegistry)).toBe(resources);
    expect(kernel.get(KernelTokens.Config)).toBe(DEFAULT_KERNEL_CONFIG);
    expect(KERNEL_EXPORTED_TOKENS).toHaveLength(5);
    expect(KernelTokens.Logger).toBe(Symbol.for('chassis.kernel.logger'));
  });

  it('refuses a missing service', () => {
    const partial = { ...services(), clock: undefined } as unknown as KernelServices;
    expect(codeOf(() => createKernelContainer(partial))).toBe('CHASSIS_E_INTERNAL');
  });
});

describe('createDriverContainer', () => {
  it('resolves kernel-exported services, typed by their tokens', async () => {
    const driver = createDriverContainer(createKernelContainer(services()));
    const logger = driver.get(KernelTokens.Logger);
    expectTypeOf(logger).toEqualTypeOf<Logger>();
    expect(logger).toBe(silentLogger);
    expect(await driver.getAsync(KernelTokens.Config)).toBe(DEFAULT_KERNEL_CONFIG);
    expect(driver.get<typeof lifecycle>(KernelTokens.Lifecycle)).toBe(lifecycle);
    expect(driver.isBound(KernelTokens.ResourceRegistry)).toBe(true);
  });

  it('resolves its own bindings, which may inject kernel services', () => {
    @injectable()
    class Plugin {
      constructor(@inject(KernelTokens.Logger) readonly logger: Logger) {}
    }
    const driver = createDriverContainer(createKernelContainer(services()), (c) => {
      c.bind(OWN).toConstantValue('mine');
      c.bind(Plugin).toSelf();
    });
    expect(driver.get(OWN)).toBe('mine');
    expect(driver.get(Plugin).logger).toBe(silentLogger);
    expect(driver.isBound(OWN)).toBe(true);
  });

  it('cannot resolve a service bound in a sibling driver container', async () => {
    const kernel = createKernelContainer(services());
    createDriverContainer(kernel, (c) => c.bind(SECRET).toConstantValue('sibling'));
    const driver = createDriverContainer(kernel, undefined, { driver: 'com.example.b@1.0.0' });
    let err: unknown;
    try {
      driver.get(SECRET);
    } catch (e) {
      err = e;
    }
    expect(ChassisError.is(err, 'CHASSIS_E_CONTAINER_NOT_EXPORTED')).toBe(true);
    expect((err as ChassisError).details).toEqual({
      driver: 'com.example.b@1.0.0',
      token: 'Symbol(chassis.test.secret)',
    });
    await expect(driver.getAsync(SECRET)).rejects.toMatchObject({
      code: 'CHASSIS_E_CONTAINER_NOT_EXPORTED',
    });
    expect(driver.isBound(SECRET)).toBe(false);
  });

  it('cannot reach a non-exported service bound in the kernel container, even indirectly', () => {
    const kernel = createKernelContainer(services());
    kernel.bind(SECRET).toConstantValue('kernel-private');
    const driver = createDriverContainer(kernel, (c) => {
      c.bind(OWN).toDynamicValue((ctx) => ({ leaked: ctx.get(SECRET) }));
    });
    expect(kernel.get(SECRET)).toBe('kernel-private');
    expect(codeOf(() => driver.get(SECRET))).toBe('CHASSIS_E_CONTAINER_NOT_EXPORTED');
    expect(codeOf(() => driver.get(OWN))).toBe('CHASSIS_E_CONTAINER_NOT_EXPORTED');
    expect(driver.isBound(SECRET)).toBe(false);
  });

  it('wraps unbound classes too, and leaves errors of its own code alone', () => {
    class Unbound {}
    const driver = createDriverContainer(createKernelContainer(services()), (c) => {
      c.bind(OWN).toDynamicValue(() => {
        throw new Error('constructor failed');
      });
    });
    expect(codeOf(() => driver.get(Unbound))).toBe('CHASSIS_E_CONTAINER_NOT_EXPORTED');
    expect(() => driver.get(OWN)).toThrow(/constructor failed/);
  });

  it.each([
    ['bind', (c: Container) => c.bind(KernelTokens.Logger).toConstantValue(silentLogger)],
    ['rebind', (c: Container) => c.rebind(KernelTokens.Clock).toConstantValue(systemClock)],
  ])('refuses a driver that %ss a kernel token', (_, own) => {
    expect(codeOf(() => createDriverContainer(createKernelContainer(services()), own))).toBe(
      'CHASSIS_E_CONTAINER_KERNEL_TOKEN',
    );
  });

  it('cannot unbind or replace kernel services in the kernel container', () => {
    const kernel = createKernelContainer(services());
    const driver = createDriverContainer(kernel, (c) => {
      c.unbind(KernelTokens.Logger);
      c.unbindAll();
    });
    expect(kernel.get(KernelTokens.Logger)).toBe(silentLogger);
    expect(driver.get(KernelTokens.Logger)).toBe(silentLogger);
    expect(Object.isFrozen(driver)).toBe(true);
    for (const method of ['bind', 'rebind', 'unbind', 'unbindAll', 'load', 'parent'])
      expect(method in driver).toBe(false);
  });

  it('sees kernel rebinds made by the kernel itself', () => {
    const kernel = createKernelContainer(services());
    const driver = createDriverContainer(kernel);
    const next = { ...DEFAULT_KERNEL_CONFIG, log: { level: 'debug' as const } };
    kernel.rebind(KernelTokens.Config).toConstantValue(next);
    expect(driver.get(KernelTokens.Config)).toBe(next);
  });
});
