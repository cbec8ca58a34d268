import { describe, expect, it } from 'vitest';
import { ChassisError } from '../errors/chassis-error.js';
import { ResourceRegistry } from './registry.js';
import type { Resource, ResourceBinding } from './resource.js';

interface Drv {
  readonly version: string;
}

const resource = (id: string, driverId = 'com.example.sf'): Resource => ({
  id,
  kind: 'primary-storage-pool',
  category: 'storage',
  driverId,
});
const bind = (version: string, driverId = 'com.example.sf'): ResourceBinding => ({
  driverId,
  version,
});

function codeOfThrow(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return ChassisError.is(err) ? err.code : 'not a ChassisError';
  }
  return undefined;
}

describe('ResourceRegistry', () => {
  it('adds resources with an active compartment bound to the instance', async () => {
    const reg = new ResourceRegistry<Drv>();
    const entry = reg.add(resource('pool-1'), bind('1.0.0'), { version: '1.0.0' });
    expect(entry.compartment.state).toBe('active');
    expect(entry.compartment.resource.id).toBe('pool-1');
    expect(await entry.compartment.submit((d) => d.version)).toBe('1.0.0');
    expect(reg.get('pool-1')).toBe(entry);
    expect(reg.find('pool-1')).toBe(entry);
    expect(reg.size).toBe(1);
  });

  it('refuses a duplicate id and keeps the first', () => {
    const reg = new ResourceRegistry<Drv>();
    const first = reg.add(resource('pool-1'), bind('1.0.0'), { version: '1.0.0' });
    expect(
      codeOfThrow(() => reg.add(resource('pool-1'), bind('2.0.0'), { version: '2.0.0' })),
    ).toBe('CHASSIS_E_RESOURCE_DUPLICATE');
    expect(reg.get('pool-1')).toBe(first);
  });

  it('refuses an empty id or a binding to another driver', () => {
    const reg = new ResourceRegistry<Drv>();
    expect(codeOfThrow(() => reg.add(resource(''), bind('1.0.0'), { version: '1' }))).toBe(
      'CHASSIS_E_RESOURCE_INVALID',
    );
    expect(
      codeOfThrow(() => reg.add(resource('pool-1'), bind('1.0.0', 'com.other'), { version: '1' })),
    ).toBe('CHASSIS_E_RESOURCE_INVALID');
    expect(codeOfThrow(() => reg.add(resource('pool-1'), bind(''), { version: '1' }))).toBe(
      'CHASSIS_E_RESOURCE_INVALID',
    );
    expect(reg.size).toBe(0);
  });

  it('get throws NOT_FOUND, find returns undefined', () => {
    const reg = new ResourceRegistry<Drv>();
    expect(codeOfThrow(() => reg.get('nope'))).toBe('CHASSIS_E_RESOURCE_NOT_FOUND');
    expect(reg.find('nope')).toBeUndefined();
  });

  it('lists by id and selects by driver and version', () => {
    const reg = new ResourceRegistry<Drv>();
    reg.add(resource('pool-c'), bind('1.0.0'), { version: '1.0.0' });
    reg.add(resource('pool-a'), bind('2.0.0'), { version: '2.0.0' });
    reg.add(resource('net-1', 'com.example.nvp'), bind('1.0.0', 'com.example.nvp'), {
      version: '1.0.0',
    });
    reg.add(resource('pool-b'), bind('1.0.0'), { version: '1.0.0' });
    const ids = (es: { resource: Resource }[]) => es.map((e) => e.resource.id);
    expect(ids(reg.list())).toEqual(['net-1', 'pool-a', 'pool-b', 'pool-c']);
    expect(ids(reg.boundTo('com.example.sf'))).toEqual(['pool-a', 'pool-b', 'pool-c']);
    expect(ids(reg.boundTo('com.example.sf', '1.0.0'))).toEqual(['pool-b', 'pool-c']);
    expect(ids(reg.boundTo('com.example.sf', '9.9.9'))).toEqual([]);
    expect(ids(reg.boundTo('com.unknown'))).toEqual([]);
  });

  it('records a new binding after a rebind, visible through held entries too', async () => {
    const reg = new ResourceRegistry<Drv>();
    const entry = reg.add(resource('pool-1'), bind('1.0.0'), { version: '1.0.0' });
    const c = entry.compartment;
    c.suspend();
    await c.drain();
    c.rebind({ version: '1.1.0' });
    reg.setBinding('pool-1', bind('1.1.0'));
    c.resume();
    expect(entry.binding.version).toBe('1.1.0');
    expect(reg.get('pool-1').binding).toEqual(bind('1.1.0'));
    expect(reg.boundTo('com.example.sf', '1.0.0')).toEqual([]);
    expect(await c.submit((d) => d.version)).toBe('1.1.0');
  });

  it('setBinding refuses an unknown id or another driver', () => {
    const reg = new ResourceRegistry<Drv>();
    reg.add(resource('pool-1'), bind('1.0.0'), { version: '1.0.0' });
    expect(codeOfThrow(() => reg.setBinding('nope', bind('1.1.0')))).toBe(
      'CHASSIS_E_RESOURCE_NOT_FOUND',
    );
    expect(codeOfThrow(() => reg.setBinding('pool-1', bind('1.1.0', 'com.other')))).toBe(
      'CHASSIS_E_RESOURCE_INVALID',
    );
    expect(reg.get('pool-1').binding.version).toBe('1.0.0');
  });

  it('remove unregisters at once, lets in-flight work finish and closes the compartment', async () => {
    const reg = new ResourceRegistry<Drv>();
    const { compartment } = reg.add(resource('pool-1'), bind('1.0.0'), { version: '1.0.0' });
    let release!: () => void;
    const inflight = compartment.submit(
      () => new Promise<string>((res) => (release = () => res('done'))),
    );
    const queued = compartment.submit(() => 'never');
    const removing = reg.remove('pool-1');
    expect(reg.find('pool-1')).toBeUndefined();
    release();
    await removing;
    expect(await inflight).toBe('done');
    await expect(queued).rejects.toMatchObject({ code: 'CHASSIS_E_RESOURCE_CLOSED' });
    expect(compartment.state).toBe('closed');
    // the id is free again
    reg.add(resource('pool-1'), bind('1.0.0'), { version: '1.0.0' });
    expect(reg.size).toBe(1);
  });

  it('clear removes and closes every resource', async () => {
    const reg = new ResourceRegistry<Drv>();
    const a = reg.add(resource('pool-a'), bind('1.0.0'), { version: '1.0.0' });
    const b = reg.add(resource('pool-b'), bind('1.0.0'), { version: '1.0.0' });
    await reg.clear();
    expect(reg.size).toBe(0);
    expect(a.compartment.state).toBe('closed');
    expect(b.compartment.state).toBe('closed');
  });

  it('remove of an unknown id rejects with NOT_FOUND', async () => {
    const reg = new ResourceRegistry<Drv>();
    await expect(reg.remove('nope')).rejects.toMatchObject({
      code: 'CHASSIS_E_RESOURCE_NOT_FOUND',
    });
  });
});
