import type { DriverRecord } from './records.js';

/** What {@link planDriverVersions} decides from. */
export interface DriverVersionsInput {
  /** The stored `drivers/<id>` record (`undefined`: the driver was uninstalled). */
  readonly record: DriverRecord | undefined;
  /** This server's active version before the pass (what it last followed or committed). */
  readonly previousActive: string | undefined;
  /** Versions loaded here now. */
  readonly loaded: ReadonlySet<string>;
  /** Versions this server let go (see {@link InstalledDriver.retired}). */
  readonly retired: ReadonlySet<string>;
  /** Versions resources of this server are bound to. */
  readonly boundHere: ReadonlySet<string>;
  /** Versions any resource record of the shared store is bound to (any member's). */
  readonly boundAnywhere: ReadonlySet<string>;
}

/** What one driver's pass does (pure data). */
export interface DriverVersionsPlan {
  /** Versions to fetch, verify, load and start. */
  readonly load: readonly string[];
  /** Versions to stop and unload. */
  readonly unload: readonly string[];
  /** Versions that would go but resources here are still bound to them (the next pass). */
  readonly held: readonly string[];
  /** The retired set after the pass. */
  readonly retired: readonly string[];
}

/**
 * Which versions of one driver a server keeps loaded when it follows a store shared with other
 * servers (cluster mode): the versions a single server would have loaded had it made the same
 * changes itself, so that following a change never undoes this server's own.
 * - The active version, and every version a resource record names (here or on another member:
 *   a takeover or a rebind then finds it loaded), are loaded.
 * - A version that appears in the record (installed elsewhere) is loaded, as an install leaves
 *   it Running.
 * - A retired version is not loaded again: one this server unloaded when the active version
 *   moved away from it (its own commit, or a failed move), one it did not load at boot, or its
 *   previous active version once the record's active moved (another member committed first).
 *   A retired version that becomes active or bound is loaded again (and no longer retired).
 * - A version gone from the record, or retired, is unloaded once no resource here is bound to it.
 */
export function planDriverVersions(input: DriverVersionsInput): DriverVersionsPlan {
  const { record, loaded, boundHere, boundAnywhere } = input;
  const recorded = new Set(record?.versions.map((v) => v.version) ?? []);
  const wanted = (v: string) => v === record?.active || boundAnywhere.has(v) || boundHere.has(v);
  const retired = new Set([...input.retired].filter((v) => recorded.has(v)));
  const prev = input.previousActive;
  if (prev && record && record.active !== prev && recorded.has(prev)) retired.add(prev);
  for (const v of [...retired]) if (wanted(v)) retired.delete(v);
  const load = [...recorded].filter((v) => !loaded.has(v) && !retired.has(v));
  const unload: string[] = [];
  const held: string[] = [];
  for (const v of loaded) {
    if (recorded.has(v) && !retired.has(v)) continue;
    (boundHere.has(v) ? held : unload).push(v);
  }
  return { load, unload, held, retired: [...retired].sort() };
}
