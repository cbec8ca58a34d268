import { describe, expect, it } from 'vitest';
import { exponentialBackoff } from './backoff.js';

describe('exponentialBackoff', () => {
  it.each([
    [{}, 1, 1000],
    [{}, 2, 2000],
    [{}, 3, 4000],
    [{}, 20, 60_000],
    [{ initialMs: 100, factor: 3 }, 3, 900],
    [{ initialMs: 100, maxMs: 250 }, 3, 250],
    [{ maxAttempts: 2 }, 2, 2000],
    [{ maxAttempts: 2 }, 3, null],
    [{ jitter: 0.5, random: () => 1 }, 2, 1000],
    [{ jitter: 0.5, random: () => 0 }, 2, 2000],
    [{ jitter: 7, random: () => 0.5 }, 1, 500],
    [{}, 0, 1000],
  ])('%j attempt %s → %s', (opts, attempt, delay) => {
    expect(exponentialBackoff(opts).nextDelay(attempt)).toBe(delay);
  });
});
