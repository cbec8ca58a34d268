import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { createDriverContainer } from '../container/driver-container.js';
import type { DriverDescriptor } from '../descriptor/driver-descriptor.js';
import type { DriverHandle } from '../driver/driver-definition.js';
import { bindImplementations, implementationOf, implementationToken } from './implementation.js';

const descriptor = {
  id: 'com.example.sf',
  version: '1.0.0',
  provides: [{ point: 'storage.primary', version: '^1.0.0' }],
} as unknown as DriverDescriptor;

function handleWithContainer(): { handle: DriverHandle; calls: string[] } {
  const calls: string[] = [];
  const handle = {
    id: descriptor.id,
    version: descriptor.version,
    tier: 'in-process',
    invoke: async (point: string, method: string) => {
      calls.push(`${point}.${method}`);
      return 'ok';
    },
  } as unknown as DriverHandle & { container?: unknown };
  const container = createDriverContainer(new Container(), (child) =>
    bindImplementations(child, descriptor, handle),
  );
  (handle as { container?: unknown }).container = container;
  return { handle, calls };
}

const ctx = { resource: {}, properties: {}, locale: 'en' } as never;

describe('per-CAR extension implementations', () => {
  it('binds every provided point in the CAR container and routes through it', async () => {
    const { handle, calls } = handleWithContainer();
    expect(handle.container?.isBound(implementationToken('storage.primary'))).toBe(true);
    const impl = implementationOf(handle, 'storage.primary');
    expect(impl.point).toBe('storage.primary');
    expect(await impl.invoke('createVolume', ctx, [])).toBe('ok');
    expect(calls).toEqual(['storage.primary.createVolume']);
    // Resolved once per container and point.
    expect(implementationOf(handle, 'storage.primary')).toBe(impl);
  });

  it.each([
    ['a point the version does not provide', 'network.guest', 'CHASSIS_E_EXT_NO_PROVIDER'],
    ['a provided point', 'storage.primary', undefined],
  ])('%s', (_name, point, code) => {
    const { handle } = handleWithContainer();
    let got: string | undefined;
    try {
      implementationOf(handle, point);
    } catch (err) {
      got = (err as { code?: string }).code;
    }
    expect(got).toBe(code);
  });

  it('a handle without a container (a test double) is called directly', async () => {
    const calls: string[] = [];
    const handle = {
      id: 'x',
      version: '1.0.0',
      invoke: async (point: string, method: string) => calls.push(`${point}.${method}`),
    } as unknown as DriverHandle;
    await implementationOf(handle, 'any.point').invoke('m', ctx, []);
    expect(calls).toEqual(['any.point.m']);
  });
});
