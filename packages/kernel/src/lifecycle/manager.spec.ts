import { firstValueFrom, config as rxConfig, take, toArray } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { ChassisError } from '../errors/chassis-error.js';
import type { LifecycleEvent } from './events.js';
import { LifecycleManager } from './manager.js';
import { type DriverState, DriverStates, TRANSITIONS } from './states.js';

const ID = 'com.example.solidfire';
const V = '2.1.0';

function fixedClock(): () => Date {
  let t = Date.UTC(2025, 0, 1);
  return () => {
    t += 1000;
    return new Date(t);
  };
}

/** Shortest legal path from Discovered to `target` (BFS over the transition table). */
function pathTo(target: DriverState): DriverState[] {
  const prev = new Map<DriverState, DriverState | null>([['Discovered', null]]);
  const queue: DriverState[] = ['Discovered'];
  while (queue.length > 0) {
    const s = queue.shift() as DriverState;
    for (const n of TRANSITIONS[s]) {
      if (!prev.has(n)) {
        prev.set(n, s);
        queue.push(n);
      }
    }
  }
  const path: DriverState[] = [];
  for (let s: DriverState | null = target; s && s !== 'Discovered'; s = prev.get(s) ?? null) {
    path.unshift(s);
  }
  return path;
}

function managerAt(state: DriverState): LifecycleManager {
  const m = new LifecycleManager({ now: fixedClock() });
  m.register(ID, V);
  for (const s of pathTo(state)) m.transition(ID, V, s);
  return m;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return ChassisError.is(error) ? error.code : 'not-a-chassis-error';
  }
  return undefined;
}

describe('LifecycleManager transitions', () => {
  const cases = DriverStates.flatMap((from) =>
    DriverStates.map((to) => ({ from, to, legal: TRANSITIONS[from].includes(to) })),
  );

  it.each(cases)('$from → $to legal=$legal', ({ from, to, legal }) => {
    const m = managerAt(from);
    expect(m.state(ID, V)).toBe(from);
    const seen: LifecycleEvent[] = [];
    m.lifecycle$.subscribe((e) => seen.push(e));
    if (legal) {
      const event = m.transition(ID, V, to);
      expect(event).toMatchObject({ driver: ID, version: V, from, to });
      expect(m.state(ID, V)).toBe(to);
      expect(seen).toEqual([event]);
    } else {
      let thrown: unknown;
      try {
        m.transition(ID, V, to);
      } catch (error) {
        thrown = error;
      }
      expect(ChassisError.is(thrown, 'CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION')).toBe(true);
      expect((thrown as ChassisError).details).toEqual({ driver: ID, version: V, from, to });
      expect(m.state(ID, V)).toBe(from);
      expect(seen).toEqual([]);
    }
  });

  it('every state is reachable from Discovered', () => {
    for (const s of DriverStates) {
      if (s !== 'Discovered') expect(pathTo(s).at(-1)).toBe(s);
    }
  });

  it('refuses a state that is not in the machine', () => {
    const m = managerAt('Loaded');
    expect(codeOf(() => m.transition(ID, V, 'Exploded' as DriverState))).toBe(
      'CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION',
    );
  });
});

describe('LifecycleManager registration and queries', () => {
  it('registers in Discovered and rejects unknown drivers', () => {
    const m = new LifecycleManager();
    expect(m.register(ID, V).state).toBe('Discovered');
    expect(m.has(ID, V)).toBe(true);
    expect(m.get(ID, '9.9.9')).toBeUndefined();
    expect(codeOf(() => m.state(ID, '9.9.9'))).toBe('CHASSIS_E_LIFECYCLE_UNKNOWN_DRIVER');
    expect(codeOf(() => m.transition('nope', V, 'Verified'))).toBe(
      'CHASSIS_E_LIFECYCLE_UNKNOWN_DRIVER',
    );
    expect(codeOf(() => m.forget('nope', V))).toBe('CHASSIS_E_LIFECYCLE_UNKNOWN_DRIVER');
  });

  it('refuses to register an active version twice, accepts a reinstall after Unloaded', () => {
    const m = managerAt('Running');
    expect(codeOf(() => m.register(ID, V))).toBe('CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION');
    expect(m.state(ID, V)).toBe('Running');
    const u = managerAt('Unloaded');
    expect(u.register(ID, V).state).toBe('Discovered');
    expect(u.history(ID, V)).toEqual([]);
  });

  it('forgets only Unloaded versions', () => {
    const m = managerAt('Stopped');
    expect(codeOf(() => m.forget(ID, V))).toBe('CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION');
    m.transition(ID, V, 'Unloaded');
    m.forget(ID, V);
    expect(m.has(ID, V)).toBe(false);
    expect(m.snapshot().size).toBe(0);
    expect(m.history(ID, V)).toEqual([]);
  });

  it('keys versions separately and merges them in history(id)', () => {
    const m = new LifecycleManager({ now: fixedClock() });
    m.register(ID, '1.0.0');
    m.register(ID, '2.0.0');
    m.transition(ID, '1.0.0', 'Verified');
    m.transition(ID, '2.0.0', 'Verified');
    m.transition(ID, '1.0.0', 'Resolved');
    expect(m.history(ID).map((e) => `${e.version}:${e.to}`)).toEqual([
      '1.0.0:Verified',
      '2.0.0:Verified',
      '1.0.0:Resolved',
    ]);
    expect([...m.snapshot().keys()]).toEqual([`${ID}@1.0.0`, `${ID}@2.0.0`]);
    expect(m.history('unknown')).toEqual([]);
  });

  it('bounds the history per driver version', () => {
    const m = new LifecycleManager({ historyLimit: 3 });
    m.register(ID, V);
    for (const s of ['Verified', 'Resolved', 'Loaded', 'Starting', 'Running'] as const) {
      m.transition(ID, V, s);
    }
    expect(m.history(ID, V).map((e) => e.to)).toEqual(['Loaded', 'Starting', 'Running']);
    expect(() => new LifecycleManager({ historyLimit: 0 })).toThrow(RangeError);
  });
});

describe('LifecycleManager publication', () => {
  it('publishes each transition on lifecycle$ with at and serialised cause', () => {
    const m = new LifecycleManager({ now: () => new Date('2025-01-01T00:00:00.000Z') });
    m.register(ID, V);
    const rx: LifecycleEvent[] = [];
    m.lifecycle$.subscribe((e) => rx.push(e));
    m.transition(ID, V, 'Failed', new ChassisError('CHASSIS_E_INTERNAL', 'boom'));
    m.transition(ID, V, 'Unloaded');
    expect(rx).toHaveLength(2);
    expect(rx[0]).toMatchObject({
      driver: ID,
      version: V,
      from: 'Discovered',
      to: 'Failed',
      at: '2025-01-01T00:00:00.000Z',
      cause: { code: 'CHASSIS_E_INTERNAL', message: 'boom' },
    });
    expect(rx[1]).not.toHaveProperty('cause');
    expect(JSON.parse(JSON.stringify(rx[0]))).toEqual({ ...rx[0] });
    expect(m.get(ID, V)?.cause).toBeUndefined();
  });

  it('serialises non-Chassis causes and keeps the cause on the current state', () => {
    const m = managerAt('Loaded');
    m.transition(ID, V, 'Failed', new TypeError('bad'));
    expect(m.get(ID, V)?.cause).toMatchObject({ name: 'TypeError', code: 'CHASSIS_E_UNKNOWN' });
  });

  it('gives late subscribers the current state of every driver', async () => {
    const m = managerAt('Running');
    m.register('com.example.nvp', '1.0.0');
    const snap = await firstValueFrom(m.current$);
    expect(snap.get(`${ID}@${V}`)?.state).toBe('Running');
    expect(snap.get('com.example.nvp@1.0.0')?.state).toBe('Discovered');
    expect(m.snapshot()).toBe(snap);
    const next = firstValueFrom(m.current$.pipe(take(2), toArray()));
    m.transition(ID, V, 'Stopping');
    const [, after] = await next;
    expect(after?.get(`${ID}@${V}`)?.state).toBe('Stopping');
    expect(snap.get(`${ID}@${V}`)?.state).toBe('Running'); // old snapshots never change
  });

  it('keeps one order for every subscriber when a listener transitions', () => {
    const m = managerAt('Loaded');
    const first: string[] = [];
    const second: string[] = [];
    m.lifecycle$.subscribe((e) => {
      first.push(e.to);
      if (e.to === 'Starting') m.transition(ID, V, 'Running');
    });
    m.lifecycle$.subscribe((e) => second.push(e.to));
    m.transition(ID, V, 'Starting');
    expect(first).toEqual(['Starting', 'Running']);
    expect(second).toEqual(['Starting', 'Running']);
    expect(m.state(ID, V)).toBe('Running');
  });

  it('a throwing subscriber does not undo the transition nor silence the others', async () => {
    const onUnhandledError = vi.fn();
    const previous = rxConfig.onUnhandledError;
    rxConfig.onUnhandledError = onUnhandledError;
    try {
      const m = new LifecycleManager();
      m.register(ID, V);
      m.lifecycle$.subscribe(() => {
        throw new Error('listener bug');
      });
      const later: string[] = [];
      m.lifecycle$.subscribe((e) => later.push(e.to));
      m.transition(ID, V, 'Verified');
      m.transition(ID, V, 'Resolved');
      expect(m.state(ID, V)).toBe('Resolved');
      expect(later).toEqual(['Verified', 'Resolved']);
      await expect.poll(() => onUnhandledError.mock.calls.length).toBe(2);
    } finally {
      rxConfig.onUnhandledError = previous;
    }
  });

  it('close completes the streams', () => {
    const m = managerAt('Loaded');
    const done = vi.fn();
    m.lifecycle$.subscribe({ complete: done });
    m.current$.subscribe({ complete: done });
    m.close();
    expect(done).toHaveBeenCalledTimes(2);
  });
});
