import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCompartment } from './compartment.js';
import { armDeadline } from './deadline.js';

const pool = { id: 'pool-1', kind: 'pool', category: 'storage', driverId: 'd' } as const;
const listeners = (s: AbortSignal) => getEventListeners(s, 'abort').length;

afterEach(() => {
  vi.useRealTimers();
});

/**
 * A caller signal can live far longer than one call (a connection's, a session's, a whole
 * upgrade's). Every call that joins it must leave it when it settles, or the signal collects
 * one listener (and the settled call's closure) per call for its whole life.
 */
describe('deadlines on a long-lived caller signal', () => {
  it('armDeadline: listens to the parent while armed (positive control) and not after', () => {
    vi.useFakeTimers();
    const parent = new AbortController().signal;
    for (let i = 0; i < 50; i++) {
      const d = armDeadline(1000, () => 'late', parent);
      // The count sees the call's listener: zero afterwards means it was removed.
      expect(listeners(parent)).toBe(1);
      d.clear();
    }
    expect(listeners(parent)).toBe(0);
  });

  it('armDeadline: leaves the parent when the deadline expires, and still follows it before', () => {
    vi.useFakeTimers();
    const parent = new AbortController();
    const late = armDeadline(10, () => 'late', parent.signal);
    vi.advanceTimersByTime(10);
    expect(late.signal.reason).toBe('late');
    expect(listeners(parent.signal)).toBe(0);
    const cancelled = armDeadline(10, () => 'late', parent.signal);
    parent.abort('stop');
    expect(cancelled.signal.reason).toBe('stop');
    vi.advanceTimersByTime(10);
    expect(cancelled.signal.reason).toBe('stop');
  });

  it('a compartment with a run timeout: 200 calls on one caller signal leave no listener', async () => {
    const c = createCompartment(pool, {}, { timeoutMs: 10_000 });
    const caller = new AbortController().signal;
    let during = -1;
    for (let i = 0; i < 200; i++)
      await c.submit(
        async () => {
          during = Math.max(during, listeners(caller));
        },
        { signal: caller },
      );
    // Positive control: while a call runs, its deadline listens to the caller's signal.
    expect(during).toBe(1);
    expect(listeners(caller)).toBe(0);
  });

  it('a compartment: queued calls on one caller signal leave no listener either', async () => {
    const c = createCompartment(pool, {}, { timeoutMs: 10_000 });
    const caller = new AbortController().signal;
    let release = () => {};
    const first = c.submit(() => new Promise<void>((r) => (release = r)));
    const queued = Array.from({ length: 50 }, (_, i) => c.submit(() => i, { signal: caller }));
    expect(listeners(caller)).toBe(50); // each queued call can be withdrawn by the caller
    release();
    await first;
    await Promise.all(queued);
    expect(listeners(caller)).toBe(0);
  });

  it('a caller abort still reaches the running operation', async () => {
    const c = createCompartment(pool, {}, { timeoutMs: 10_000 });
    const caller = new AbortController();
    const outcome = c.submit(
      (_d, signal) =>
        new Promise((_r, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          caller.abort(new Error('caller gave up'));
        }),
      { signal: caller.signal },
    );
    await expect(outcome).rejects.toThrow('caller gave up');
    // The next call on the compartment runs with a signal that is not aborted.
    expect(await c.submit((_d, s) => s.aborted)).toBe(false);
  });

  it('the run deadline still holds when the caller aborted and the op ignores it', async () => {
    vi.useFakeTimers();
    const c = createCompartment(pool, {}, { timeoutMs: 100 });
    const caller = new AbortController();
    let finish = () => {};
    const outcome = c
      .submit(
        () =>
          new Promise<void>((r) => {
            finish = r;
            caller.abort('gone');
          }),
        { signal: caller.signal },
      )
      .catch((e: { code?: string }) => e.code);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBe('CHASSIS_E_RESOURCE_OP_TIMEOUT');
    finish();
    expect(listeners(caller.signal)).toBe(0);
  });
});
