import {
  ChassisError,
  driverKey,
  type Logger,
  type RestartLimitsConfig,
  type SerializedError,
  serializeError,
} from '@chassis/kernel';
import type { RestartStatus } from '../api/runtime-api.js';

/** When to retry, given a delay per attempt (the loader's `BackoffPolicy` fits). */
export interface RestartBackoff {
  nextDelay(attempt: number): number | null;
}

/** What the supervisor remembers of one driver version. Plain data. */
export interface RestartRecord {
  /** Restarts tried since the counter was last reset. */
  readonly attempts: number;
  /** When the version last came up (started or restarted), ms since the epoch. */
  readonly upSince?: number;
  readonly lastError?: SerializedError;
  readonly lastFaultAt?: number;
  readonly nextRetryAt?: number;
  readonly gaveUp: boolean;
}

/** The pure decision on a fault: retry after a delay, or give up. */
export type RestartDecision =
  | { readonly kind: 'retry'; readonly delayMs: number; readonly record: RestartRecord }
  | { readonly kind: 'give-up'; readonly record: RestartRecord };

/**
 * Pure restart policy. A fault after the version stayed up `healthyAfterMs` starts a new count
 * (the previous trouble is over); otherwise it is one more attempt. Past `maxAttempts`, or when
 * the backoff says stop (`null`), the supervisor gives up.
 */
export function decideRestart(
  previous: RestartRecord | undefined,
  fault: { readonly at: number; readonly error: SerializedError },
  limits: RestartLimitsConfig,
  backoff: RestartBackoff,
): RestartDecision {
  const healthy =
    previous?.upSince !== undefined && fault.at - previous.upSince >= limits.healthyAfterMs;
  const tried = healthy || !previous ? 0 : previous.attempts;
  const attempt = tried + 1;
  const base = { lastError: fault.error, lastFaultAt: fault.at };
  const delay = attempt > limits.maxAttempts ? null : backoff.nextDelay(attempt);
  // Given up: `attempts` says how many restarts were tried in vain.
  if (delay === null)
    return { kind: 'give-up', record: { ...base, attempts: tried, gaveUp: true } };
  return {
    kind: 'retry',
    delayMs: delay,
    record: { ...base, attempts: attempt, nextRetryAt: fault.at + delay, gaveUp: false },
  };
}

/** What the supervisor acts through. */
export interface RestartSupervisorOptions {
  readonly limits: RestartLimitsConfig;
  /** Restarts a version from its kept CAR; rejects when it could not (counted as a fault). */
  readonly restart: (id: string, version: string) => Promise<void>;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * Restarts faulted driver versions per {@link decideRestart}: schedules each retry, counts a
 * failed restart as another fault, resets the count once a version stayed healthy, and gives up
 * after `maxAttempts` (the version stays `Failed`; an operator restart starts a new count).
 * {@link status} is what the API shows per version.
 */
export class RestartSupervisor {
  readonly #records = new Map<string, RestartRecord>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #opts: RestartSupervisorOptions;
  readonly #now: () => number;
  #stopped = false;

  constructor(options: RestartSupervisorOptions) {
    this.#opts = options;
    this.#now = options.now ?? Date.now;
  }

  /** A version's environment faulted: decide, log, and schedule the restart (or give up). */
  fault(id: string, version: string, error: unknown, backoff: RestartBackoff): RestartDecision {
    const key = driverKey({ id, version });
    const decision = decideRestart(
      this.#records.get(key),
      { at: this.#now(), error: serializeError(error) },
      this.#opts.limits,
      backoff,
    );
    this.#records.set(key, decision.record);
    const { attempts } = decision.record;
    if (decision.kind === 'give-up') {
      const gaveUp = new ChassisError(
        'CHASSIS_E_LIFECYCLE_RESTARTS_EXHAUSTED',
        `${key} was restarted ${attempts} time(s) in a row without staying healthy for ${this.#opts.limits.healthyAfterMs} ms; it stays Failed. Fix the cause, then run "chassis drivers restart ${id} --version ${version}"`,
        { cause: error, details: { driver: id, version, attempts } },
      );
      this.#opts.logger.error({ driver: id, version, err: gaveUp.toJSON() }, 'restarts given up');
      return decision;
    }
    this.#opts.logger.error(
      {
        driver: id,
        version,
        attempt: attempts,
        delay: decision.delayMs,
        err: decision.record.lastError,
      },
      'driver faulted',
    );
    this.#schedule(id, version, decision.delayMs, backoff);
    return decision;
  }

  #schedule(id: string, version: string, delayMs: number, backoff: RestartBackoff): void {
    if (this.#stopped) return;
    const key = driverKey({ id, version });
    clearTimeout(this.#timers.get(key));
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      if (this.#stopped) return;
      // Success is seen through `up` (the version reaching Running), wherever it came from.
      this.#opts.restart(id, version).catch((err: unknown) => {
        // Another action holds the driver (an install finishing, an upgrade): not the
        // driver's fault, so the same attempt is tried again later, not counted.
        if (ChassisError.is(err, 'CHASSIS_E_UPGRADE_IN_PROGRESS'))
          this.#schedule(id, version, delayMs, backoff);
        else this.fault(id, version, err, backoff);
      });
    }, delayMs);
    timer.unref();
    this.#timers.set(key, timer);
  }

  /** The version is up (restarted by the supervisor or an operator): health is timed from now. */
  up(id: string, version: string): void {
    const key = driverKey({ id, version });
    const r = this.#records.get(key);
    if (!r) return;
    const { nextRetryAt: _, ...rest } = r;
    // An operator restart after a give-up starts a new count.
    this.#records.set(key, {
      ...rest,
      ...(r.gaveUp ? { attempts: 0 } : {}),
      gaveUp: false,
      upSince: this.#now(),
    });
  }

  /** What the API shows: attempts, last error, next retry, given up. `undefined`: never faulted. */
  status(id: string, version: string): RestartStatus | undefined {
    const r = this.#records.get(driverKey({ id, version }));
    if (!r) return undefined;
    // Up and healthy long enough: the count is over (the next fault starts at 1).
    const healthy =
      !r.gaveUp &&
      r.upSince !== undefined &&
      this.#now() - r.upSince >= this.#opts.limits.healthyAfterMs;
    return {
      attempts: healthy ? 0 : r.attempts,
      maxAttempts: this.#opts.limits.maxAttempts,
      gaveUp: r.gaveUp,
      ...(r.lastError ? { lastError: r.lastError } : {}),
      ...(r.lastFaultAt !== undefined
        ? { lastFaultAt: new Date(r.lastFaultAt).toISOString() }
        : {}),
      ...(r.nextRetryAt !== undefined && !r.gaveUp
        ? { nextRetryAt: new Date(r.nextRetryAt).toISOString() }
        : {}),
    };
  }

  /** No more restarts (server stopping): pending ones are cancelled. */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}
