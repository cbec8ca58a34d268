import { describe, expect, it } from 'vitest';
import { NonceCache } from './nonce-cache.js';

describe('NonceCache', () => {
  it('remembers accepted nonces while they are inside the window', () => {
    const c = new NonceCache(10, 1000);
    expect(c.seen('a', 100)).toBe(false);
    c.record('a', 100, 100);
    expect(c.seen('a', 100)).toBe(true);
    expect(c.seen('b', 100)).toBe(false);
  });

  it('prunes nonces whose timestamp left the window (the timestamp check refuses them anyway)', () => {
    const c = new NonceCache(10, 1000);
    c.record('a', 0, 0);
    c.record('b', 500, 500);
    c.record('c', 1400, 1400);
    expect(c.size).toBe(2);
    expect(c.seen('b', 500)).toBe(true);
  });

  it('stays bounded, and a nonce evicted while still in the window cannot be replayed', () => {
    const c = new NonceCache(3, 60_000);
    for (let i = 0; i < 5; i++) c.record(`n${i}`, 1000 + i, 1000 + i);
    expect(c.size).toBe(3);
    // n0 and n1 were evicted: their timestamps are at or below the low-water mark.
    expect(c.seen('n0', 1000)).toBe(true);
    expect(c.seen('n1', 1001)).toBe(true);
    // A fresh request (newer timestamp, new nonce) is still accepted.
    expect(c.seen('fresh', 1005)).toBe(false);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new NonceCache(0, 1000)).toThrow(RangeError);
  });
});
