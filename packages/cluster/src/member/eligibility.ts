import type { DriverState, MemberDriverState } from '@chassis/kernel';

/**
 * States in which a member serves a driver version: `Suspended` is a Running version whose
 * resources are paused during a swap, so a rollout never moves ownership by itself.
 */
const SERVING: ReadonlySet<DriverState> = new Set<DriverState>(['Running', 'Suspended']);

/** A member as the eligibility rule sees it: its id and the driver states it published. */
export interface EligibilityMember {
  readonly id: string;
  /** What it published; `undefined`: it publishes nothing (counts as running everything). */
  readonly drivers: readonly MemberDriverState[] | undefined;
}

/** Who may own one resource. */
export interface EligibleOwners {
  /** The members that may own it: never empty while any member is given. */
  readonly members: readonly string[];
  /** True when no member runs its version, so every member is a candidate (nothing unowned). */
  readonly fallback: boolean;
}

/** Whether `member` serves `version` of `driverId` (published Running or Suspended). */
export function servesVersion(
  member: EligibilityMember,
  driverId: string,
  version: string,
): boolean {
  if (member.drivers === undefined) return true;
  return member.drivers.some(
    (d) => d.id === driverId && d.version === version && SERVING.has(d.state),
  );
}

/**
 * The members eligible to own a resource bound to `binding`: those that serve its bound
 * version. When none does (the driver failed everywhere, or no member loaded it yet), every
 * member is eligible and `fallback` says so: a resource is never left without an owner. A
 * resource with no known binding may go to any member. Pure; the order of `members` is kept.
 */
export function eligibleOwners(
  binding: { readonly driverId: string; readonly version: string } | undefined,
  members: readonly EligibilityMember[],
): EligibleOwners {
  const all = members.map((m) => m.id);
  if (!binding) return { members: all, fallback: false };
  const serving = members
    .filter((m) => servesVersion(m, binding.driverId, binding.version))
    .map((m) => m.id);
  return serving.length > 0
    ? { members: serving, fallback: false }
    : { members: all, fallback: true };
}
