import { describe, expect, it } from 'vitest';
import { GROWTH_STALL_MS, memoryPressure, pollMemory } from './memory-pressure.js';

const MiB = 1024 * 1024;

describe('memoryPressure (out-of-memory vs unresponsive)', () => {
  it.each([
    {
      why: 'growing since the probe began',
      before: 60 * MiB,
      now: 90 * MiB,
      own: true,
      cap: 256,
      want: true,
    },
    {
      why: 'growing (worker: the whole process)',
      before: 300 * MiB,
      now: 320 * MiB,
      own: false,
      cap: 256,
      want: true,
    },
    {
      why: 'flat and small: a spin loop',
      before: 45 * MiB,
      now: 45 * MiB,
      own: true,
      cap: 256,
      want: false,
    },
    {
      why: 'flat at ¾ of its own cap (over a bare process): thrashing',
      before: 280 * MiB,
      now: 280 * MiB,
      own: true,
      cap: 256,
      want: true,
    },
    {
      why: 'flat, a bare child over a small cap: a spin loop',
      before: 45 * MiB,
      now: 45 * MiB,
      own: true,
      cap: 32,
      want: false,
    },
    {
      why: 'flat, high, but not its own (worker)',
      before: 400 * MiB,
      now: 400 * MiB,
      own: false,
      cap: 256,
      want: false,
    },
    { why: 'nothing to read', before: undefined, now: undefined, own: true, cap: 256, want: false },
    {
      why: 'no cap known, flat',
      before: 200 * MiB,
      now: 200 * MiB,
      own: true,
      cap: undefined,
      want: false,
    },
  ])('$why → $want', ({ before, now, own, cap, want }) => {
    expect(memoryPressure(before, now, own, cap)).toBe(want);
  });
});

describe('pollMemory (one poll of a silent guest)', () => {
  const T = 1_000_000;
  it.each([
    {
      why: 'grew since the mark: wait, the mark moves',
      watch: { mark: 60 * MiB, grewAt: undefined },
      now: 70 * MiB,
      at: T,
      want: { wait: true, watch: { mark: 70 * MiB, grewAt: T } },
    },
    {
      why: 'flat, but grew a second ago (a full GC stalls it): wait',
      watch: { mark: 70 * MiB, grewAt: T },
      now: 70 * MiB,
      at: T + 1000,
      want: { wait: true, watch: { mark: 70 * MiB, grewAt: T } },
    },
    {
      why: 'flat since it grew once, longer than the stall: a spin loop, stop waiting',
      watch: { mark: 46 * MiB, grewAt: T },
      now: 46 * MiB,
      at: T + GROWTH_STALL_MS,
      want: { wait: false, watch: { mark: 46 * MiB, grewAt: T } },
    },
    {
      why: 'never grew, flat and small: a spin loop',
      watch: { mark: 45 * MiB, grewAt: undefined },
      now: 45 * MiB,
      at: T,
      want: { wait: false, watch: { mark: 45 * MiB, grewAt: undefined } },
    },
    {
      why: 'flat near its own cap, long after it grew: thrashing, wait',
      watch: { mark: 280 * MiB, grewAt: T },
      now: 280 * MiB,
      at: T + 60_000,
      want: { wait: true, watch: { mark: 280 * MiB, grewAt: T } },
    },
    {
      why: 'less than a MiB more: not growth',
      watch: { mark: 45 * MiB, grewAt: undefined },
      now: 45 * MiB + 512 * 1024,
      at: T,
      want: { wait: false, watch: { mark: 45 * MiB, grewAt: undefined } },
    },
  ])('$why', ({ watch, now, at, want }) => {
    expect(pollMemory(watch, now, at, true, 256)).toEqual(want);
  });

  it('a spinning guest whose memory rose once stops being waited for within the stall (the 30 s flake)', () => {
    // Positive control: judged against the probe's start, as before, it was waited for until the
    // 30 s grace ran out, because the one rise never went away.
    expect(memoryPressure(45 * MiB, 47 * MiB, true, 256)).toBe(true);
    let watch = { mark: (45 * MiB) as number | undefined, grewAt: undefined as number | undefined };
    const waits: boolean[] = [];
    for (let at = 0; at <= 30_000; at += 100) {
      const poll = pollMemory(watch, at === 0 ? 45 * MiB : 47 * MiB, 1000 + at, true, 256);
      watch = poll.watch;
      waits.push(poll.wait);
    }
    const last = waits.lastIndexOf(true);
    expect(last * 100).toBeLessThan(GROWTH_STALL_MS + 200);
  });
});
