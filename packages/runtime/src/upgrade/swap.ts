import type { DriverHandle, ResourceEntry, ResourceRegistry } from '@chassis/kernel';

/** The version a resource moves to. */
export interface SwapTarget {
  readonly version: string;
  readonly handle: DriverHandle;
}

/** What one batch swap measured. */
export interface SwapResult {
  /** Per resource: how long new work waited (suspend → resume), in ms. */
  readonly pausedMs: ReadonlyMap<string, number>;
}

/**
 * Moves a batch of resources to another driver instance with the compartment protocol:
 * suspend all (new work queues up) → drain (in-flight work finishes on the old instance) →
 * `beforeRebind` (e.g. the migrate hook) → rebind → resume. Queued work then runs on the new
 * instance in submission order. If `beforeRebind` throws, every resource is resumed on the
 * instance it had and the error is rethrown: nothing is lost either way.
 */
export async function swapResources(
  registry: ResourceRegistry<DriverHandle>,
  entries: readonly ResourceEntry<DriverHandle>[],
  target: SwapTarget,
  beforeRebind?: (entry: ResourceEntry<DriverHandle>) => Promise<void>,
): Promise<SwapResult> {
  const started = new Map<string, number>();
  for (const e of entries) {
    e.compartment.suspend();
    started.set(e.resource.id, performance.now());
  }
  const pausedMs = new Map<string, number>();
  try {
    await Promise.all(entries.map((e) => e.compartment.drain()));
    // Every resource of the batch is paused: migrate them together, not one after another.
    if (beforeRebind) await Promise.all(entries.map((e) => beforeRebind(e)));
    for (const e of entries) {
      e.compartment.rebind(target.handle);
      registry.setBinding(e.resource.id, { driverId: e.binding.driverId, version: target.version });
    }
  } finally {
    for (const e of entries) {
      e.compartment.resume();
      pausedMs.set(e.resource.id, performance.now() - (started.get(e.resource.id) ?? 0));
    }
  }
  return { pausedMs };
}
