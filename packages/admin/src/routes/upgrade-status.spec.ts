import { describe, expect, it } from 'vitest';
import { prefersAsync } from './upgrade-status.js';

describe('prefersAsync (RFC 7240 Prefer header)', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['respond-async', true],
    ['Respond-Async', true],
    ['wait=10, respond-async', true],
    ['respond-async; foo=bar', true],
    [' return=minimal ,respond-async ', true],
    ['return=minimal', false],
    ['respond-asynchronously', false],
    ['x=respond-async', false],
    [['return=minimal', 'respond-async'], true],
  ] as const)('%j → %s', (header, expected) => {
    expect(prefersAsync(header)).toBe(expected);
  });
});
