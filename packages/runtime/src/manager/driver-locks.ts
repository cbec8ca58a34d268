import { ChassisError } from '@chassis/kernel';

/**
 * One install/upgrade/rollback/uninstall per driver at a time, like Felix's
 * `acquireBundleLock`: the lock is taken before any work and released on every path. A second
 * operation on a locked driver is refused at once with `CHASSIS_E_UPGRADE_IN_PROGRESS` (it
 * does not queue: the caller decides whether to retry).
 */
export class DriverLocks {
  readonly #held = new Set<string>();

  /** True while an operation holds `id`. */
  held(id: string): boolean {
    return this.#held.has(id);
  }

  /** Takes the lock on `id` or throws `CHASSIS_E_UPGRADE_IN_PROGRESS`; returns its release. */
  acquire(id: string): () => void {
    if (this.#held.has(id)) {
      throw new ChassisError(
        'CHASSIS_E_UPGRADE_IN_PROGRESS',
        `Another install/upgrade of ${id} is running; wait for it to finish`,
        { details: { driver: id } },
      );
    }
    this.#held.add(id);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held.delete(id);
    };
  }

  /** Runs `fn` holding the lock on `id`. */
  async run<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const release = this.acquire(id);
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
