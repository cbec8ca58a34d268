/**
 * When to try again after a driver faulted. Pure: `nextDelay(attempt)` for attempt 1, 2, ...
 * returns the delay in ms before that restart, or `null` to give up (leave it `Failed`).
 */
export interface BackoffPolicy {
  nextDelay(attempt: number): number | null;
}

/** Options of {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /** Delay before the first restart. Default 1000 ms. */
  readonly initialMs?: number;
  /** Growth per attempt. Default 2. */
  readonly factor?: number;
  /** Cap on one delay. Default 60 000 ms. */
  readonly maxMs?: number;
  /** Give up after this many attempts. Default: never. */
  readonly maxAttempts?: number;
  /** Spread as a fraction of the delay (0..1): delay × (1 − jitter × random()). Default 0. */
  readonly jitter?: number;
  /** Source of randomness for jitter (injectable for tests). Default `Math.random`. */
  readonly random?: () => number;
}

/** `initial × factor^(attempt−1)`, capped, optionally jittered downwards, optionally bounded. */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): BackoffPolicy {
  const initial = options.initialMs ?? 1000;
  const factor = options.factor ?? 2;
  const max = options.maxMs ?? 60_000;
  const jitter = Math.min(Math.max(options.jitter ?? 0, 0), 1);
  const random = options.random ?? Math.random;
  return {
    nextDelay(attempt) {
      if (!Number.isInteger(attempt) || attempt < 1) return initial;
      if (options.maxAttempts !== undefined && attempt > options.maxAttempts) return null;
      const raw = Math.min(initial * factor ** (attempt - 1), max);
      return Math.round(raw * (1 - jitter * random()));
    },
  };
}
