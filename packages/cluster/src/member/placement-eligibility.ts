import type { MemberDriverState, ResourceBinding } from '@chassis/kernel';
import type { Member } from '@chassis/state-postgres';
import { publishedDriverStates } from './driver-states.js';
import { type EligibilityMember, eligibleOwners } from './eligibility.js';

/** What the ownership rule needs to know of this member. */
export interface EligibilitySources {
  readonly selfId: string;
  /** This member's driver states now (fresher than what it last published). */
  readonly selfDrivers: () => readonly MemberDriverState[];
  /** The binding of a resource known here, `undefined` when unknown. */
  readonly bindingOf: (resource: string) => ResourceBinding | undefined;
}

/**
 * The `eligible` hook of the ownership agent: for each resource, the live members that serve
 * its bound version (by the states they published; this member by its own states now), or
 * every live member when none does ({@link eligibleOwners}). The members' meta is parsed once
 * per tick (the agent passes the same array for every resource of a tick).
 */
export function ownershipEligibility(
  sources: EligibilitySources,
): (resource: string, alive: readonly Member[]) => readonly string[] {
  let seen: readonly Member[] | undefined;
  let parsed: EligibilityMember[] = [];
  return (resource, alive) => {
    if (alive !== seen) {
      seen = alive;
      parsed = alive.map((m) => ({
        id: m.id,
        drivers: m.id === sources.selfId ? sources.selfDrivers() : publishedDriverStates(m.meta),
      }));
    }
    return eligibleOwners(sources.bindingOf(resource), parsed).members;
  };
}
