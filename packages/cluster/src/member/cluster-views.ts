import type {
  ClusterMemberInfo,
  DriverMemberState,
  MemberDriverState,
  ResourceBinding,
} from '@chassis/kernel';
import type { Lease, Member } from '@chassis/state-postgres';
import { publishedAt, publishedDriverStates } from './driver-states.js';
import { eligibleOwners, servesVersion } from './eligibility.js';

/** What {@link clusterMemberInfos} builds the members view from (all read before). */
export interface ClusterViewInput {
  readonly members: readonly Member[];
  readonly leases: readonly (Lease & { readonly live: boolean })[];
  readonly leader: string | undefined;
  readonly selfId: string;
  /** The answering member's own states now (what it publishes next). */
  readonly selfDrivers: readonly MemberDriverState[];
  /** Every resource's binding, as this member knows it. */
  readonly bindings: ReadonlyMap<string, ResourceBinding>;
}

/**
 * Every registered member as the admin API shows it: health, heartbeat, the resources whose
 * live lease it holds, the ones among them it owns only as a fallback (no live member serves
 * their bound version), and the driver states it published. A member that missed its
 * heartbeats is `alive: false`; its states are the last it published. Pure; sorted by id.
 */
export function clusterMemberInfos(input: ClusterViewInput): ClusterMemberInfo[] {
  const drivers = (m: Member) =>
    m.id === input.selfId ? input.selfDrivers : publishedDriverStates(m.meta);
  const alive = input.members
    .filter((m) => m.alive)
    .map((m) => ({ id: m.id, drivers: drivers(m) }));
  const owned = new Map<string, string[]>();
  for (const l of input.leases) {
    if (!l.live) continue;
    const list = owned.get(l.owner) ?? [];
    list.push(l.resource);
    owned.set(l.owner, list);
  }
  return [...input.members]
    .sort((a, b) => (a.id < b.id ? -1 : +(a.id > b.id)))
    .map((m) => {
      const resources = (owned.get(m.id) ?? []).sort();
      const at = m.id === input.selfId ? undefined : publishedAt(m.meta);
      return {
        memberId: m.id,
        url: typeof m.meta.url === 'string' ? m.meta.url : '',
        alive: m.alive,
        leader: m.id === input.leader,
        startedAt: m.startedAt,
        lastHeartbeat: m.lastHeartbeat,
        resources,
        fallback: resources.filter((r) => eligibleOwners(input.bindings.get(r), alive).fallback),
        self: m.id === input.selfId,
        drivers: drivers(m) ?? [],
        ...(at ? { driversAt: at } : {}),
      };
    });
}

/**
 * One driver on every member, from the members view: its versions there, whether the member
 * serves the active version (so it may own the driver's resources), and which of the driver's
 * resources it owns (and owns only as a fallback). Pure.
 */
export function driverMemberStates(
  driverId: string,
  activeVersion: string | undefined,
  infos: readonly ClusterMemberInfo[],
  bindings: ReadonlyMap<string, ResourceBinding>,
): DriverMemberState[] {
  const ofDriver = (r: string) => bindings.get(r)?.driverId === driverId;
  return infos.map((m) => ({
    memberId: m.memberId,
    alive: m.alive,
    self: m.self,
    lastHeartbeat: m.lastHeartbeat,
    versions: m.drivers.filter((d) => d.id === driverId),
    eligible:
      activeVersion !== undefined &&
      servesVersion({ id: m.memberId, drivers: m.drivers }, driverId, activeVersion),
    resources: m.resources.filter(ofDriver),
    fallback: m.fallback.filter(ofDriver),
  }));
}
