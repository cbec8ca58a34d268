import {
  type DriverState,
  DriverStates,
  ISOLATION_TIERS,
  type LifecycleEvent,
  type MemberDriverState,
  type SerializedError,
} from '@chassis/kernel';
import { MEMBER_DRIVER_LIMITS } from '@chassis/kernel/summaries';
import type { ManagementRuntime } from '@chassis/runtime';

/** Where a member's driver states live in its membership meta. */
export const DRIVERS_META_KEY = 'drivers';
/** When it last published them (ISO date-time), in the same meta. */
export const DRIVERS_AT_META_KEY = 'driversAt';

const STATES: ReadonlySet<string> = new Set<string>(DriverStates);
const TIERS: ReadonlySet<string> = new Set<string>(ISOLATION_TIERS);

const clip = (s: string) =>
  s.length <= MEMBER_DRIVER_LIMITS.maxMessageChars
    ? s
    : `${s.slice(0, MEMBER_DRIVER_LIMITS.maxMessageChars - 1)}…`;

/** A driver as {@link memberDriverStates} reads it (the runtime's `DriverInfo` fits). */
export interface DriverStatesInput {
  readonly id: string;
  readonly versions: readonly {
    readonly version: string;
    readonly state: DriverState;
    readonly active: boolean;
    readonly tier: MemberDriverState['tier'];
    readonly failure?: { readonly code: string; readonly message: string } | undefined;
  }[];
}

/**
 * Driver versions as a member publishes them: id, version, lifecycle state, active flag, tier
 * and the failure's code and clipped message: the version's own when `Failed`, else for an
 * `Unloaded` one the cause of its last `Failed` transition (`lastFailure`), so a version this
 * member refused still says why. Bounded: at most `MEMBER_DRIVER_LIMITS.maxVersions` entries
 * (sorted by id, then version), so the record rewritten with each heartbeat stays small. Pure.
 */
export function memberDriverStates(
  drivers: readonly DriverStatesInput[],
  lastFailure: (id: string, version: string) => LifecycleEvent['cause'] = () => undefined,
): MemberDriverState[] {
  const out: MemberDriverState[] = [];
  for (const d of drivers)
    for (const v of d.versions) {
      const f = v.failure ?? (v.state === 'Unloaded' ? lastFailure(d.id, v.version) : undefined);
      out.push({
        id: d.id,
        version: v.version,
        state: v.state,
        active: v.active,
        tier: v.tier,
        ...(f ? { failure: { code: f.code, message: clip(f.message) } } : {}),
      });
    }
  out.sort((a, b) =>
    a.id !== b.id ? (a.id < b.id ? -1 : 1) : a.version < b.version ? -1 : +(a.version > b.version),
  );
  return out.slice(0, MEMBER_DRIVER_LIMITS.maxVersions);
}

/**
 * This member's driver states now, from its runtime (see {@link memberDriverStates}). The cause
 * of an `Unloaded` version's last failure comes from `failures` (the publisher remembers it: a
 * refused load's lifecycle history is forgotten with it), else from the lifecycle history.
 */
export function localDriverStates(
  runtime: ManagementRuntime,
  failures: ReadonlyMap<string, SerializedError> = new Map(),
): MemberDriverState[] {
  return memberDriverStates(
    runtime.listDrivers(),
    (id, version) =>
      failures.get(`${id}@${version}`) ??
      runtime
        .lifecycleHistory(id)
        .findLast((e) => e.version === version && e.to === 'Failed' && e.cause)?.cause,
  );
}

/**
 * The driver states a member published, read from its membership meta. The meta is another
 * process's JSON, so each entry is checked and a malformed one dropped. `undefined` when the
 * member publishes none (no `drivers` key at all).
 */
export function publishedDriverStates(
  meta: Readonly<Record<string, unknown>>,
): MemberDriverState[] | undefined {
  const raw = meta[DRIVERS_META_KEY];
  if (!Array.isArray(raw)) return undefined;
  const out: MemberDriverState[] = [];
  for (const e of raw.slice(0, MEMBER_DRIVER_LIMITS.maxVersions)) {
    if (!e || typeof e !== 'object') continue;
    const r = e as Record<string, unknown>;
    if (typeof r.id !== 'string' || typeof r.version !== 'string') continue;
    if (typeof r.state !== 'string' || !STATES.has(r.state)) continue;
    if (typeof r.tier !== 'string' || !TIERS.has(r.tier)) continue;
    const f = r.failure as Record<string, unknown> | undefined;
    const failure =
      f && typeof f.code === 'string' && typeof f.message === 'string'
        ? { failure: { code: f.code, message: clip(f.message) } }
        : {};
    out.push({
      id: r.id,
      version: r.version,
      state: r.state as DriverState,
      active: r.active === true,
      tier: r.tier as MemberDriverState['tier'],
      ...failure,
    });
  }
  return out;
}

/** When the member last published its driver states, if it says. */
export function publishedAt(meta: Readonly<Record<string, unknown>>): string | undefined {
  const at = meta[DRIVERS_AT_META_KEY];
  return typeof at === 'string' ? at : undefined;
}
