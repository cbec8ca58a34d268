import type { LeaseManager, Membership } from '@chassis/state-postgres';
import type { MemberAddress } from '../types.js';

/** Who owns what right now, as read from the shared database. */
export interface OwnerSnapshot {
  /** Live lease owner per resource id. */
  readonly owners: ReadonlyMap<string, string>;
  /** Alive members and where their channel is. */
  readonly members: ReadonlyMap<string, MemberAddress>;
  readonly readAt: number;
}

/**
 * The owner of each resource, from the live leases and the alive members (database clock),
 * cached for `maxAgeMs` so a forwarded call does not cost two queries. A resource whose lease
 * owner is not alive has no owner (its lease is about to expire and be taken over).
 */
export class OwnerDirectory {
  readonly #leases: LeaseManager;
  readonly #membership: Membership;
  readonly #maxAgeMs: number;
  #snapshot: OwnerSnapshot | undefined;
  #reading: Promise<OwnerSnapshot> | undefined;

  constructor(leases: LeaseManager, membership: Membership, maxAgeMs: number) {
    this.#leases = leases;
    this.#membership = membership;
    this.#maxAgeMs = maxAgeMs;
  }

  /** The cached snapshot when fresh enough, else a new read (concurrent callers share it). */
  async snapshot(maxAgeMs = this.#maxAgeMs): Promise<OwnerSnapshot> {
    const s = this.#snapshot;
    if (s && Date.now() - s.readAt <= maxAgeMs) return s;
    this.#reading ??= this.#read().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  /** The owner of `resourceId` with its address, or `undefined` when it has no live owner. */
  async ownerOf(resourceId: string, maxAgeMs?: number): Promise<MemberAddress | undefined> {
    const s = await this.snapshot(maxAgeMs);
    const owner = s.owners.get(resourceId);
    return owner === undefined ? undefined : s.members.get(owner);
  }

  async #read(): Promise<OwnerSnapshot> {
    const [leases, members] = await Promise.all([this.#leases.list(), this.#membership.members()]);
    const alive = new Map<string, MemberAddress>();
    for (const m of members) {
      if (!m.alive) continue;
      const url = typeof m.meta.url === 'string' ? m.meta.url : '';
      alive.set(m.id, { memberId: m.id, url });
    }
    const owners = new Map<string, string>();
    for (const l of leases) if (l.live && alive.has(l.owner)) owners.set(l.resource, l.owner);
    const snapshot = { owners, members: alive, readAt: Date.now() };
    this.#snapshot = snapshot;
    return snapshot;
  }
}
