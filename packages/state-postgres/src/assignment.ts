import { createHash } from 'node:crypto';

/** Rendezvous score of `member` for `resource`: the first 8 bytes of sha256(member \0 resource). */
export function rendezvousScore(member: string, resource: string): bigint {
  return createHash('sha256').update(`${member}\0${resource}`).digest().readBigUInt64BE(0);
}

/**
 * Assigns each resource to one live member by rendezvous (highest-random-weight) hashing:
 * deterministic on every member without coordination, and minimal movement: when a member
 * joins only the resources it now wins move (to it); when one leaves only its resources move.
 * Ties (practically impossible) go to the smaller member id. Pure: no I/O.
 */
export function assignResources(
  resources: readonly string[],
  liveMembers: readonly string[],
  /**
   * The members that may own `resource` (a subset of `liveMembers`); absent, or an empty
   * answer: every live member. Rendezvous over a subset keeps the minimal movement per resource.
   */
  candidatesOf?: (resource: string) => readonly string[],
): Map<string, string> {
  const out = new Map<string, string>();
  if (liveMembers.length === 0) return out;
  for (const r of resources) {
    let best = '';
    let bestScore = -1n;
    const among = candidatesOf?.(r);
    for (const m of among && among.length > 0 ? among : liveMembers) {
      const s = rendezvousScore(m, r);
      if (s > bestScore || (s === bestScore && m < best)) {
        best = m;
        bestScore = s;
      }
    }
    out.set(r, best);
  }
  return out;
}
