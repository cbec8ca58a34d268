import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCompartment } from './compartment.js';
import { RunDeadline } from './run-deadline.js';

const pool = { id: 'pool-1', kind: 'pool', category: 'storage', driverId: 'd' } as const;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('RunDeadline', () => {
  it('serves a stream of runs that finish in time with one signal and one timer', () => {
    vi.useFakeTimers();
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    const d = new RunDeadline();
    const signals = new Set<AbortSignal>();
    for (let i = 0; i < 100; i++) {
      d.arm(1000, () => new Error('late'));
      signals.add(d.signal);
      d.clear();
    }
    expect(signals.size).toBe(1);
    expect(setTimer).toHaveBeenCalledTimes(1);
  });

  it('expires a run at its own deadline when the timer was armed for an earlier run', () => {
    vi.useFakeTimers();
    const d = new RunDeadline();
    d.arm(100, () => 'first');
    d.clear();
    vi.advanceTimersByTime(60);
    const reason = new Error('second is late');
    d.arm(100, () => reason); // due at 160; the timer fires at 100 and re-arms
    const signal = d.signal;
    vi.advanceTimersByTime(99);
    expect(signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    d.arm(100, () => 'third');
    expect(d.signal).not.toBe(signal); // the next run gets a fresh signal
    expect(d.signal.aborted).toBe(false);
  });

  it('re-arms earlier for a shorter timeout after a longer one', () => {
    vi.useFakeTimers();
    const d = new RunDeadline();
    d.arm(10_000, () => 'long');
    d.clear();
    d.arm(50, () => 'short');
    const signal = d.signal;
    vi.advanceTimersByTime(50);
    expect(signal.reason).toBe('short');
  });

  it('does not abort between runs', () => {
    vi.useFakeTimers();
    const d = new RunDeadline();
    d.arm(10, () => 'late');
    const signal = d.signal;
    d.clear();
    vi.advanceTimersByTime(1000);
    expect(signal.aborted).toBe(false);
  });
});

describe('compartment: the default run timeout', () => {
  it('arms no timer per call and times out the one call that overruns', async () => {
    vi.useFakeTimers();
    const c = createCompartment(pool, {}, { timeoutMs: 100 });
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    for (let i = 0; i < 20; i++) expect(await c.submit(async () => i)).toBe(i);
    expect(setTimer.mock.calls.length).toBeLessThanOrEqual(1);
    let signal: AbortSignal | undefined;
    const slow = c.submit(
      (_d, s) =>
        new Promise((resolve) => {
          signal = s;
          s.addEventListener('abort', () => resolve('stopped'));
        }),
    );
    const outcome = slow.catch((e: { code?: string }) => e.code);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBe('CHASSIS_E_RESOURCE_OP_TIMEOUT');
    expect(signal?.aborted).toBe(true);
    expect(await c.submit(async (_d, s) => s.aborted)).toBe(false);
  });
});
