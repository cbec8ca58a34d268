import { isDeepStrictEqual } from 'node:util';
import type { SpawnedEnvironment, SpawnPlan } from './tier-environment.js';

/**
 * The environment spawned from a CAR's unverified head while the CAR is verified and extracted
 * (issue 14, "a fast start"). The verified descriptor decides: {@link takeEarly} hands the
 * environment over only when the plan made from it is exactly the one it was spawned with.
 */
export type EarlySpawn = Promise<SpawnedEnvironment | undefined> | undefined;

/**
 * The pre-spawned environment when its plan equals `plan` (same tier, driver, folder,
 * confinement and limits, so the same flags, env and caps as a spawn made now); otherwise it
 * is disposed and `undefined` is returned (the caller spawns afresh).
 */
export async function takeEarly(
  early: EarlySpawn,
  plan: SpawnPlan,
): Promise<SpawnedEnvironment | undefined> {
  const spawned = await early;
  if (!spawned) return undefined;
  if (samePlan(spawned.plan, plan)) return spawned;
  await spawned.dispose();
  return undefined;
}

/** Ends a pre-spawned environment nobody will attach (a failed verification or load). */
export async function disposeEarly(early: EarlySpawn): Promise<void> {
  await (await early)?.dispose();
}

/** Whether two spawn plans give the same environment. Pure. */
export function samePlan(a: SpawnPlan, b: SpawnPlan): boolean {
  return isDeepStrictEqual(a, b);
}
