import {
  type Logger,
  type MemberDriverState,
  type SerializedError,
  serializeError,
} from '@chassis/kernel';
import type { ManagementRuntime } from '@chassis/runtime';
import type { Membership } from '@chassis/state-postgres';
import type { Subscription } from 'rxjs';
import { DRIVERS_AT_META_KEY, DRIVERS_META_KEY, localDriverStates } from './driver-states.js';

/** Options of {@link DriverStatePublisher}. */
export interface DriverStatePublisherOptions {
  readonly runtime: ManagementRuntime;
  readonly membership: Membership;
  /** How often the states are compared again (the heartbeat period: catches `active` changes). */
  readonly refreshMs: number;
  /** Called after a changed set was published (the member re-runs its ownership then). */
  readonly onPublished?: () => void;
  readonly logger: Logger;
}

/**
 * Publishes this member's driver states in its membership record, which the others read with
 * the heartbeats: on every lifecycle transition (coalesced: one write in flight, at most one
 * more after it) and on a timer at the heartbeat period, writing only when the set changed. A
 * failed write stays pending in the membership and is rewritten by the next heartbeat.
 */
export class DriverStatePublisher {
  readonly #o: DriverStatePublisherOptions;
  #last = '';
  #running: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #subscription: Subscription | undefined;
  /** The last failure cause per `id@version` (kept: a refused version's history is forgotten). */
  readonly #failures = new Map<string, SerializedError>();

  constructor(options: DriverStatePublisherOptions) {
    this.#o = options;
  }

  /** Publishes now, then follows lifecycle transitions and the refresh timer. */
  async start(): Promise<void> {
    this.#subscription ??= this.#o.runtime.lifecycle$.subscribe((e) => {
      const key = `${e.driver}@${e.version}`;
      if (e.to === 'Failed' && e.cause) this.#failures.set(key, e.cause);
      else if (e.to === 'Running') this.#failures.delete(key);
      void this.publish();
    });
    this.#timer ??= setInterval(() => void this.publish(), this.#o.refreshMs);
    this.#timer.unref();
    await this.publish();
  }

  /** Stops following (what is published stays: the others see it as the last known). */
  stop(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** This member's driver states now (what it publishes next). */
  current(): MemberDriverState[] {
    const states = localDriverStates(this.#o.runtime, this.#failures);
    // Bounded like the states: forget causes of versions no longer listed.
    if (this.#failures.size > states.length) {
      const listed = new Set(states.map((d) => `${d.id}@${d.version}`));
      for (const key of this.#failures.keys()) if (!listed.has(key)) this.#failures.delete(key);
    }
    return states;
  }

  /** Publishes the current states if they changed; resolves once they are written. */
  publish(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      const drivers = this.current();
      const json = JSON.stringify(drivers);
      if (json === this.#last) continue;
      try {
        await this.#o.membership.publish({
          [DRIVERS_META_KEY]: drivers,
          [DRIVERS_AT_META_KEY]: new Date().toISOString(),
        });
        this.#last = json;
        this.#o.onPublished?.();
      } catch (err) {
        // The membership keeps the new meta and rewrites it with the next heartbeat; `#last`
        // is left as it was, so the next transition or refresh tries again too.
        this.#o.logger.warn({ err: serializeError(err) }, 'publishing driver states failed');
      }
    } while (this.#again);
  }
}
