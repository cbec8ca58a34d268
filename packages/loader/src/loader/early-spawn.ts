import { isDeepStrictEqual } from 'node:util';
import { type Logger, serializeError } from '@chassis/kernel';
import type { SpawnedEnvironment, SpawnPlan } from './tier-environment.js';

/**
 * The environment spawned from a CAR's unverified head while the CAR is verified and extracted
 * (issue 14, "a fast start"); `undefined` when nothing was spawned (a refused head, the
 * in-process tier, a failed spawn). The verified descriptor decides whether it is used
 * ({@link PendingEnvironment.take}).
 */
export type EarlySpawn = Promise<SpawnedEnvironment | undefined> | undefined;

/** Whether two spawn plans give the same environment. Pure. */
export function samePlan(a: SpawnPlan, b: SpawnPlan): boolean {
  return isDeepStrictEqual(a, b);
}

/**
 * The early environment of one opened CAR (`DriverLoader.openCar`), owned by whoever opened it
 * until a load takes it. Two ends, each at most once: the load {@link take}s it (the verified
 * plan decides whether it is used), or the opener {@link dispose}s it on any other exit
 * (refused, failed, abandoned). `dispose` after `take` is a no-op, so the opener can release it
 * in one `finally` whatever happened in between.
 */
export class PendingEnvironment {
  #spawn: EarlySpawn;
  #started = false;
  #ended = false;
  #used = false;

  constructor(private readonly logger: Logger) {}

  /** Starts the early spawn: only the first call counts, and none once taken or disposed. */
  start(spawn: () => EarlySpawn): void {
    if (this.#ended || this.#started) return;
    this.#started = true;
    this.#spawn = spawn();
  }

  /**
   * Resolves `true` while an environment spawned early is held here, not yet taken or disposed
   * (a spawn in flight is awaited first).
   */
  async held(): Promise<boolean> {
    const spawned = await this.#spawn;
    return spawned !== undefined && !this.#ended;
  }

  /** `true` once a load was handed the early environment (its plan was the verified one). */
  get used(): boolean {
    return this.#used;
  }

  /**
   * For the load: the early environment when its plan equals `plan`, else it is disposed and
   * `undefined` returned (the load spawns afresh). From here on the load owns it.
   */
  async take(plan: SpawnPlan): Promise<SpawnedEnvironment | undefined> {
    const spawned = await this.#end();
    if (!spawned) return undefined;
    // Same tier, driver, folder, confinement and limits: the same flags, env and caps as a
    // spawn made now from the verified descriptor.
    if (samePlan(spawned.plan, plan)) {
      this.#used = true;
      return spawned;
    }
    await this.#quietly(() => spawned.dispose());
    return undefined;
  }

  /**
   * Ends the early environment unless a load took it (no child process, worker or scratch
   * folder left). Never rejects: it runs on exits that already carry their own error, so a
   * failed clean-up is logged instead of replacing it.
   */
  async dispose(): Promise<void> {
    await this.#quietly(async () => (await this.#end())?.dispose());
  }

  async #quietly(end: () => Promise<void>): Promise<void> {
    try {
      await end();
    } catch (err) {
      this.logger.warn({ err: serializeError(err) }, 'could not end the early environment');
    }
  }

  #end(): EarlySpawn {
    const early = this.#spawn;
    this.#spawn = undefined;
    this.#ended = true;
    return early;
  }
}
