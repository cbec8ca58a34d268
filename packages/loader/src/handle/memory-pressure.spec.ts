import { describe, expect, it } from 'vitest';
import { memoryPressure } from './remote-environment.js';

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
