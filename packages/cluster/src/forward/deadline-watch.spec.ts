import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineWatch } from './deadline-watch.js';

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
    w.watch({}, t0 + 300, () => fired.push('c'));
    w.watch({}, t0 + 100, () => fired.push('a')); // earlier than the armed one: re-arms
    w.watch({}, t0 + 200, () => fired.push('b'));
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
    const a = {};
    const t0 = Date.now();
    w.watch(a, t0 + 100, () => fired.push('a'));
    w.watch({}, t0 + 200, () => fired.push('b'));
    w.unwatch(a);
    vi.advanceTimersByTime(150);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(fired).toEqual(['b']);
  });

  it('arms no timer once nothing is watched', () => {
    const w = new DeadlineWatch();
    const k = {};
    w.watch(k, Date.now() + 100, () => {});
    w.unwatch(k);
    expect(vi.getTimerCount()).toBe(0);
  });
});
