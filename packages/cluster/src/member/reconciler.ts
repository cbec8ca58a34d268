import { type Logger, serializeError } from '@chassis/kernel';

/**
 * Runs one reconciliation pass at a time: a request while a pass runs marks it dirty and one
 * more pass follows, so a burst of notifications costs at most two passes and a change made
 * during a pass is never missed. A failed pass (database away) is logged; the next request or
 * the periodic reconciliation heals.
 */
export class Reconciler {
  readonly #logger: Logger;
  #pass: (() => Promise<void>) | undefined;
  #running: Promise<void> | undefined;
  #dirty = false;
  #stopped = false;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Sets the pass; requests before this are remembered and run by the first {@link run}. */
  bind(pass: () => Promise<void>): void {
    this.#pass = pass;
  }

  /** Asks for a pass soon (fire and forget). */
  schedule(): void {
    void this.run().catch(() => {
      // Already logged by the pass loop; a scheduled pass has no caller to tell.
    });
  }

  /** A pass that starts after this call; resolves when it finished (rejects with its error). */
  run(): Promise<void> {
    if (this.#stopped || !this.#pass) return Promise.resolve();
    if (this.#running) {
      this.#dirty = true;
      // The follow-up pass (which sees this request) ends the running loop.
      return this.#running;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** No more passes (a running one finishes). */
  stop(): void {
    this.#stopped = true;
  }

  async #loop(): Promise<void> {
    let failure: unknown;
    do {
      this.#dirty = false;
      try {
        await this.#pass?.();
        failure = undefined;
      } catch (err) {
        failure = err;
        this.#logger.warn({ err: serializeError(err) }, 'cluster reconciliation failed');
      }
    } while (this.#dirty && !this.#stopped);
    if (failure) throw failure;
  }
}
