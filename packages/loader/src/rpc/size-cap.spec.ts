import { describe, expect, it } from 'vitest';
import { cloneSizeOver } from './size-cap.js';

const shared = { name: 'x'.repeat(10) };
const cyclic: Record<string, unknown> = { id: 'a' };
cyclic.self = cyclic;
const wide = Array.from({ length: 400 }, (_, i) => ({ i }));

describe('cloneSizeOver', () => {
  it.each([
    ['a number', 1, 16],
    ['a string', 'abc', 16 + 6],
    ['null', null, 16],
    ['a plain object', { ab: 1 }, 16 + 4 + 16],
    ['an array', [1, 'a'], 16 + 16 + 18],
    ['binary data', new Uint8Array(10), 16 + 10],
    ['an object without prototype', Object.assign(Object.create(null), { a: 1 }), 16 + 2 + 16],
  ])('estimates %s', (_name, value, size) => {
    expect(cloneSizeOver(value, 1 << 20)).toBe(size);
  });

  it('counts a shared reference once when the quick walk would pass the cap on it', () => {
    // Quickly walked, `shared` counts twice (> 150); walked exactly, once (≤ 150): it is under.
    const value = [shared, shared];
    expect(cloneSizeOver(value, 150)).toBeLessThanOrEqual(150);
  });

  it('takes a small cyclic value (structured clone sends it) as small', () => {
    expect(cloneSizeOver(cyclic, 1000)).toBeLessThanOrEqual(1000);
  });

  it('walks a value with more slots than the quick walk allows exactly', () => {
    expect(cloneSizeOver(wide, 1 << 20)).toBe(16 + 400 * (16 + 2 + 16));
  });

  it('stops as soon as a value is over the cap', () => {
    expect(cloneSizeOver({ big: 'x'.repeat(1000) }, 100)).toBeGreaterThan(100);
    expect(cloneSizeOver(new Map([['k', 'x'.repeat(1000)]]), 100)).toBeGreaterThan(100);
  });
});
