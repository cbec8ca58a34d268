import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineWatch, type Watched } from './deadline-watch.js';

const call = (deadline: number, fired: string[], name: string): Watched => ({
  deadline,
  expire: () => fired.push(name),
});

describe('DeadlineWatch (one timer for every caller deadline)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires each call at its own deadline, earliest first, whatever the order of arrival', () => {
    const w = new DeadlineWatch();
    const fired: string[] = [];
    const t0 = Date.now();
    w.watch(call(t0 + 300, fired, 'c'));
    w.watch(call(t0 + 100, fired, 'a')); // earlier than the armed one: re-arms
    w.watch(call(t0 + 200, fired, 'b'));
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['a']);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(['a', 'b']);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(w.size).toBe(0);
  });

  it('never expires a call that settled first, and keeps the others armed', () => {
    const w = new DeadlineWatch();
    const fired: string[] = [];
    const t0 = Date.now();
    const a = call(t0 + 100, fired, 'a');
    w.watch(a);
    w.watch(call(t0 + 200, fired, 'b'));
    w.unwatch(a);
    vi.advanceTimersByTime(150);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(fired).toEqual(['b']);
  });

  it('arms one timer for a stream of calls that settle in time, and none once it fired idle', () => {
    const w = new DeadlineWatch();
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    const fired: string[] = [];
    for (let i = 0; i < 100; i++) {
      const c = call(Date.now() + 1000, fired, `c${i}`);
      w.watch(c);
      vi.advanceTimersByTime(1);
      w.unwatch(c);
    }
    expect(setTimer).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    setTimer.mockRestore();
  });

  it('re-arms for a call watched while a later timer is armed after a settled one', () => {
    const w = new DeadlineWatch();
    const fired: string[] = [];
    const t0 = Date.now();
    const first = call(t0 + 100, fired, 'first');
    w.watch(first);
    w.unwatch(first);
    w.watch(call(t0 + 500, fired, 'late')); // the timer armed for 100 fires, re-arms for 500
    vi.advanceTimersByTime(499);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['late']);
  });
});
