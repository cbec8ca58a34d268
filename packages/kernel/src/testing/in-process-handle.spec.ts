import { describe, expect, it } from 'vitest';
import type {
  DriverContext,
  DriverDefinition,
  OperationContext,
} from '../driver/driver-definition.js';
import { ChassisError } from '../errors/chassis-error.js';
import { inProcessHandle } from './in-process-handle.js';

const driver = { id: 'com.example.echo', version: '1.2.3' };
const messages = { en: { hi: 'Hi {who}' }, fr: { hi: 'Salut {who}' } };
const resource = { id: 'r1', kind: 'k', category: 'storage', driverId: driver.id };

function echoDriver(seen: OperationContext[] = [], hooks: DriverContext[] = []) {
  const echo = {
    echo(ctx: OperationContext, value: { n: number }) {
      seen.push(ctx);
      value.n += 1;
      return { value, greeting: ctx.t('hi', { who: 'Ada' }) };
    },
    fn: () => () => 1,
  };
  return {
    start: (ctx) => {
      hooks.push(ctx);
    },
    stop: (ctx) => {
      hooks.push(ctx);
    },
    provides: { echo },
  } satisfies DriverDefinition;
}

describe('inProcessHandle', () => {
  it('calls the method with a full context in the caller locale', async () => {
    const seen: OperationContext[] = [];
    const handle = inProcessHandle(echoDriver(seen), driver, { messages });
    const controller = new AbortController();
    const result = await handle.invoke(
      'echo',
      'echo',
      { properties: { a: 1 }, resource, locale: 'fr' },
      [{ n: 1 }],
      { signal: controller.signal },
    );
    expect(result).toEqual({ value: { n: 2 }, greeting: 'Salut Ada' });
    expect(seen[0]).toMatchObject({ driver, properties: { a: 1 }, resource });
    expect(seen[0]?.signal).toBe(controller.signal);
    expect([handle.id, handle.version, handle.tier]).toEqual([
      driver.id,
      driver.version,
      'in-process',
    ]);
  });

  it('clones arguments and results by default, and shares them with clone: false', async () => {
    const arg = { n: 1 };
    const cloning = inProcessHandle(echoDriver(), driver);
    const ctx = { properties: {}, resource };
    const cloned = (await cloning.invoke('echo', 'echo', ctx, [arg])) as { value: unknown };
    expect(arg).toEqual({ n: 1 });
    expect(cloned.value).not.toBe(arg);
    const sharing = inProcessHandle(echoDriver(), driver, { clone: false });
    const shared = (await sharing.invoke('echo', 'echo', ctx, [arg])) as { value: unknown };
    expect(shared.value).toBe(arg);
    expect(arg).toEqual({ n: 2 });
  });

  it('refuses a result that is not plain data when cloning', async () => {
    const handle = inProcessHandle(echoDriver(), driver);
    await expect(handle.invoke('echo', 'fn', { properties: {}, resource }, [])).rejects.toThrow();
    const sharing = inProcessHandle(echoDriver(), driver, { clone: false });
    expect(typeof (await sharing.invoke('echo', 'fn', { properties: {}, resource }, []))).toBe(
      'function',
    );
  });

  it.each([
    ['an unknown point', 'nope', 'echo'],
    ['an unknown method', 'echo', 'nope'],
  ])('refuses %s with CHASSIS_E_LOADER_NO_METHOD', async (_name, point, method) => {
    const handle = inProcessHandle(echoDriver(), driver);
    await expect(handle.invoke(point, method, { properties: {}, resource }, [])).rejects.toSatisfy(
      (e) => ChassisError.is(e, 'CHASSIS_E_LOADER_NO_METHOD'),
    );
  });

  it('runs the hooks with a driver context and the given signal', async () => {
    const hooks: DriverContext[] = [];
    const handle = inProcessHandle(echoDriver([], hooks), driver, { messages });
    const controller = new AbortController();
    await handle.start({ signal: controller.signal });
    await handle.stop();
    expect(hooks).toHaveLength(2);
    expect(hooks[0]?.driver).toEqual(driver);
    expect(hooks[0]?.signal).toBe(controller.signal);
    expect(hooks[1]?.t('hi', { who: 'Bo' })).toBe('Hi Bo');
  });

  it('answers healthy and keeps the state when the driver has no hooks', async () => {
    const handle = inProcessHandle({ provides: {} }, driver);
    await expect(handle.start()).resolves.toBeUndefined();
    expect(await handle.health()).toEqual({ healthy: true });
    const state = { volumes: 2 };
    expect(await handle.migrate('1.0.0', state)).toBe(state);
    await expect(handle.dispose()).resolves.toBeUndefined();
  });

  it('uses the driver health and migrate hooks', async () => {
    const handle = inProcessHandle(
      {
        health: () => ({ healthy: false, detail: 'down' }),
        migrate: (from, state, ctx) => ({ from, state, by: ctx.driver.version }),
        provides: {},
      },
      driver,
    );
    expect(await handle.health()).toEqual({ healthy: false, detail: 'down' });
    expect(await handle.migrate('1.0.0', 7)).toEqual({ from: '1.0.0', state: 7, by: '1.2.3' });
  });
});
