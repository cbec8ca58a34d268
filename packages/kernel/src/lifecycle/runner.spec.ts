import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ChassisError } from '../errors/chassis-error.js';
import type { LifecycleEvent } from './events.js';
import { LifecycleManager } from './manager.js';
import { type LifecycleEntry, startDrivers, stopDrivers } from './runner.js';
import type { DriverState } from './states.js';

type Behaviour = 'ok' | 'throw' | 'hang';

interface Fake extends LifecycleEntry {
  readonly calls: string[];
}

/** A driver whose start/stop succeed, throw or never settle; records what was called. */
function fake(
  id: string,
  category: string,
  opts: { requires?: string[]; start?: Behaviour; stop?: Behaviour; log?: string[] } = {},
): Fake {
  const calls: string[] = [];
  const act = (step: string, b: Behaviour = 'ok') => {
    calls.push(step);
    opts.log?.push(`${step}:${id}`);
    if (b === 'throw') return Promise.reject(new Error(`${id} ${step} broke`));
    if (b === 'hang') return new Promise<void>(() => {});
    return Promise.resolve();
  };
  return {
    id,
    version: '1.0.0',
    category,
    ...(opts.requires
      ? { requires: opts.requires.map((r) => ({ id: r, version: '^1.0.0' })) }
      : {}),
    calls,
    start: () => act('start', opts.start),
    stop: () => act('stop', opts.stop),
  };
}

const TO_LOADED: DriverState[] = ['Verified', 'Resolved', 'Loaded'];

function setup(entries: readonly LifecycleEntry[], upTo: DriverState[] = TO_LOADED) {
  const lifecycle = new LifecycleManager();
  for (const e of entries) {
    lifecycle.register(e.id, e.version);
    for (const s of upTo) lifecycle.transition(e.id, e.version, s);
  }
  const events: LifecycleEvent[] = [];
  lifecycle.lifecycle$.subscribe((e) => events.push(e));
  const options = { lifecycle, startTimeoutMs: 50, stopTimeoutMs: 50 };
  return { lifecycle, events, options };
}

const ids = (refs: readonly { driver: string }[]) => refs.map((r) => r.driver);
const codes = (fs: readonly { error: ChassisError }[]) => fs.map((f) => f.error.code);

describe('startDrivers / stopDrivers', () => {
  it('starts by category rank and dependency, stops in exact reverse', async () => {
    const log: string[] = [];
    const entries = [
      fake('kvm', 'hypervisor', { log }),
      fake('sf-dep', 'storage', { requires: ['sf-base'], log }),
      fake('sf-base', 'storage', { log }),
      fake('nvp', 'network', { log }),
    ];
    const { lifecycle, events, options } = setup(entries);
    const started = await startDrivers(entries, options);
    expect(ids(started.started)).toEqual(['nvp', 'sf-base', 'sf-dep', 'kvm']);
    expect(started.failed).toEqual([]);
    expect(events.map((e) => `${e.driver}:${e.to}`)).toEqual([
      'nvp:Starting',
      'nvp:Running',
      'sf-base:Starting',
      'sf-base:Running',
      'sf-dep:Starting',
      'sf-dep:Running',
      'kvm:Starting',
      'kvm:Running',
    ]);
    const stopped = await stopDrivers(entries, options);
    expect(ids(stopped.stopped)).toEqual(['kvm', 'sf-dep', 'sf-base', 'nvp']);
    expect(log).toEqual([
      'start:nvp',
      'start:sf-base',
      'start:sf-dep',
      'start:kvm',
      'stop:kvm',
      'stop:sf-dep',
      'stop:sf-base',
      'stop:nvp',
    ]);
    for (const e of entries) expect(lifecycle.state(e.id, e.version)).toBe('Stopped');
    expect(lifecycle.history('kvm').map((e) => e.to)).toEqual([
      ...TO_LOADED,
      'Starting',
      'Running',
      'Stopping',
      'Stopped',
    ]);
  });

  it('starts independent drivers of a rank in parallel; a dependent waits for its dependency', async () => {
    const gates = new Map<string, () => void>();
    const log: string[] = [];
    const gated = (id: string, requires: string[] = []): LifecycleEntry => ({
      ...fake(id, 'storage', { requires }),
      start: () => {
        log.push(`start:${id}`);
        return new Promise<void>((resolve) => gates.set(id, resolve));
      },
      stop: async () => {
        log.push(`stop:${id}`);
      },
    });
    const entries = [
      gated('a'),
      gated('b'),
      gated('dep', ['a']),
      fake('kvm', 'hypervisor', { log }),
    ];
    const { lifecycle, options } = setup(entries);
    const run = startDrivers(entries, { ...options, startTimeoutMs: 5_000 });
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 1_000 && !cond(); i++) await new Promise((r) => setImmediate(r));
      expect(cond()).toBe(true);
    };
    // a and b are both starting before either finished; dep and the next rank wait.
    await until(() => gates.has('a') && gates.has('b'));
    expect(lifecycle.state('a', '1.0.0')).toBe('Starting');
    expect(lifecycle.state('b', '1.0.0')).toBe('Starting');
    expect(log).toEqual(['start:a', 'start:b']);
    gates.get('b')!();
    await until(() => lifecycle.state('b', '1.0.0') === 'Running');
    expect(log).toEqual(['start:a', 'start:b']);
    gates.get('a')!();
    await until(() => gates.has('dep'));
    expect(log).toEqual(['start:a', 'start:b', 'start:dep']);
    gates.get('dep')!();
    const result = await run;
    // started is the order starts completed; stop is its exact reverse.
    expect(ids(result.started)).toEqual(['b', 'a', 'dep', 'kvm']);
    const stopped = await stopDrivers(entries, options);
    expect(ids(stopped.stopped)).toEqual(['kvm', 'dep', 'a', 'b']);
  });

  it('a hanging start times out, fails that driver and its dependents, others start', async () => {
    const entries = [
      fake('sf-base', 'storage', { start: 'hang' }),
      fake('sf-dep', 'storage', { requires: ['sf-base'] }),
      fake('nvp', 'network'),
      fake('kvm', 'hypervisor'),
    ];
    const { lifecycle, options } = setup(entries);
    const result = await startDrivers(entries, options);
    expect(ids(result.started)).toEqual(['nvp', 'kvm']);
    expect(ids(result.failed)).toEqual(['sf-base', 'sf-dep']);
    expect(codes(result.failed)).toEqual([
      'CHASSIS_E_LIFECYCLE_STEP_TIMEOUT',
      'CHASSIS_E_ORDER_MISSING_DEP',
    ]);
    expect(result.failed[1]?.error).toMatchObject({
      details: { driver: 'sf-dep', dependency: 'sf-base' },
      cause: { code: 'CHASSIS_E_LIFECYCLE_STEP_TIMEOUT' },
    });
    expect(entries[1]?.calls).toEqual([]); // never started
    expect(lifecycle.get('sf-base', '1.0.0')).toMatchObject({
      state: 'Failed',
      cause: { code: 'CHASSIS_E_LIFECYCLE_STEP_TIMEOUT' },
    });
    expect(lifecycle.get('sf-dep', '1.0.0')).toMatchObject({
      state: 'Failed',
      cause: { code: 'CHASSIS_E_ORDER_MISSING_DEP' },
    });
    // Only what started is stopped, in reverse.
    const stopped = await stopDrivers(entries, options);
    expect(ids(stopped.stopped)).toEqual(['kvm', 'nvp']);
    expect(ids(stopped.skipped)).toEqual(['sf-dep', 'sf-base']);
  });

  it('a throwing start fails that driver with STEP_FAILED, keeping the cause', async () => {
    const entries = [fake('nvp', 'network', { start: 'throw' }), fake('kvm', 'hypervisor')];
    const { lifecycle, events, options } = setup(entries);
    const result = await startDrivers(entries, options);
    expect(ids(result.started)).toEqual(['kvm']);
    expect(codes(result.failed)).toEqual(['CHASSIS_E_LIFECYCLE_STEP_FAILED']);
    expect(result.failed[0]?.error.cause).toMatchObject({ message: 'nvp start broke' });
    const failedEvent = events.find((e) => e.to === 'Failed');
    expect(failedEvent).toMatchObject({
      driver: 'nvp',
      from: 'Starting',
      cause: { code: 'CHASSIS_E_LIFECYCLE_STEP_FAILED', cause: { message: 'nvp start broke' } },
    });
    expect(lifecycle.state('nvp', '1.0.0')).toBe('Failed');
  });

  it('fails the drivers the plan rejects (missing dependency) with the plan error', async () => {
    const entries = [fake('sf-dep', 'storage', { requires: ['absent'] }), fake('nvp', 'network')];
    const { lifecycle, options } = setup(entries);
    const result = await startDrivers(entries, options);
    expect(ids(result.started)).toEqual(['nvp']);
    expect(ids(result.failed)).toEqual(['sf-dep']);
    expect(codes(result.failed)).toEqual(['CHASSIS_E_ORDER_MISSING_DEP']);
    expect(lifecycle.get('sf-dep', '1.0.0')?.cause?.code).toBe('CHASSIS_E_ORDER_MISSING_DEP');
    expect(entries[0]?.calls).toEqual([]);
  });

  it('fails exactly the drivers on a cycle; the rest start', async () => {
    const entries = [
      fake('a', 'storage', { requires: ['b'] }),
      fake('b', 'storage', { requires: ['a'] }),
      fake('c', 'storage'),
    ];
    const { lifecycle, options } = setup(entries);
    const result = await startDrivers(entries, options);
    expect(ids(result.started)).toEqual(['c']);
    expect([...ids(result.failed)].sort()).toEqual(['a', 'b']);
    expect(new Set(codes(result.failed))).toEqual(new Set(['CHASSIS_E_ORDER_CYCLE']));
    expect(lifecycle.state('a', '1.0.0')).toBe('Failed');
  });

  it('skips running drivers (they still satisfy dependents) and reports unstartable ones', async () => {
    const base = fake('sf-base', 'storage');
    const dep = fake('sf-dep', 'storage', { requires: ['sf-base'] });
    const early = fake('nvp', 'network');
    const { lifecycle, options } = setup([base, dep]);
    await startDrivers([base], options);
    lifecycle.register(early.id, early.version); // still Discovered: not startable
    const result = await startDrivers([base, dep, early, fake('ghost', 'network')], options);
    expect(ids(result.skipped)).toEqual(['sf-base']);
    expect(ids(result.started)).toEqual(['sf-dep']);
    expect(base.calls).toEqual(['start']);
    expect(codes(result.failed)).toEqual([
      'CHASSIS_E_LIFECYCLE_UNKNOWN_DRIVER',
      'CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION',
    ]);
    expect(ids(result.failed)).toEqual(['ghost', 'nvp']);
    expect(lifecycle.state('nvp', '1.0.0')).toBe('Discovered'); // a caller error, not a driver fault
    expect(early.calls).toEqual([]);
  });

  it('a failing or hanging stop fails that driver; the others still stop', async () => {
    const entries = [
      fake('nvp', 'network'),
      fake('sf', 'storage', { stop: 'throw' }),
      fake('kvm', 'hypervisor', { stop: 'hang' }),
    ];
    const { lifecycle, options } = setup(entries);
    await startDrivers(entries, options);
    const result = await stopDrivers(entries, options);
    expect(ids(result.stopped)).toEqual(['nvp']);
    expect(ids(result.failed)).toEqual(['kvm', 'sf']);
    expect(codes(result.failed)).toEqual([
      'CHASSIS_E_LIFECYCLE_STEP_TIMEOUT',
      'CHASSIS_E_LIFECYCLE_STEP_FAILED',
    ]);
    expect(lifecycle.get('kvm', '1.0.0')).toMatchObject({ state: 'Failed' });
    expect(lifecycle.history('sf', '1.0.0').at(-1)).toMatchObject({
      from: 'Stopping',
      to: 'Failed',
    });
  });

  it('stops suspended drivers, skips stopped ones, and can start them again', async () => {
    const entries = [fake('nvp', 'network'), fake('kvm', 'hypervisor')];
    const { lifecycle, options } = setup(entries);
    await startDrivers(entries, options);
    lifecycle.transition('kvm', '1.0.0', 'Suspended');
    expect(ids((await stopDrivers(entries, options)).stopped)).toEqual(['kvm', 'nvp']);
    const again = await stopDrivers(entries, options);
    expect(ids(again.skipped)).toEqual(['kvm', 'nvp']);
    expect(ids((await startDrivers(entries, options)).started)).toEqual(['nvp', 'kvm']);
    expect(lifecycle.state('kvm', '1.0.0')).toBe('Running');
  });

  it('late subscribers see every driver current state after a run', async () => {
    const entries = [fake('nvp', 'network', { start: 'throw' }), fake('kvm', 'hypervisor')];
    const { lifecycle, options } = setup(entries);
    await startDrivers(entries, options);
    const snap = await firstValueFrom(lifecycle.current$);
    expect(Object.fromEntries([...snap].map(([k, v]) => [k, v.state]))).toEqual({
      'nvp@1.0.0': 'Failed',
      'kvm@1.0.0': 'Running',
    });
  });
});
