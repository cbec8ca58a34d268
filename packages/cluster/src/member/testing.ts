import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChassisError, DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { type ClusterMember, type ClusterMemberOptions, startClusterMember } from './member.js';

/** Bounded poll: resolves when `cond` holds, throws naming `what` after `ms`. */
export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  ms = 8000,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    let ok = false;
    try {
      ok = await cond();
    } catch {
      // A condition that throws (not found yet) is simply not met yet; the deadline bounds it.
      ok = false;
    }
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** The code of a rejection (or `resolved` / the message when it is no Chassis error). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (ChassisError.is(e) ? e.code : String(e)),
  );
}

/** Test members: short TTLs, one trusted in-process fixture driver, refuse mode by default. */
export function memberFactory(root: string, trusted: readonly string[]) {
  return (
    name: string,
    url: string,
    extra: Partial<ClusterMemberOptions['cluster']> = {},
    more: Partial<Omit<ClusterMemberOptions, 'cluster'>> = {},
  ): Promise<ClusterMember> =>
    startClusterMember({
      dataDir: join(root, name),
      config: {
        ...DEFAULT_KERNEL_CONFIG,
        isolation: { ...DEFAULT_KERNEL_CONFIG.isolation, default: 'in-process' },
        confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: [...trusted] },
      },
      reconcileMs: 1000,
      ...more,
      cluster: {
        memberId: name,
        database: { connectionString: url, reconnectTimeoutMs: 5000 },
        leaseTtlMs: 1200,
        secret: 'a-cluster-secret-of-at-least-32-bytes!',
        forward: 'refuse',
        ownerWaitMs: 300,
        ...extra,
      },
    });
}

/** True while `m` runs a version of some driver (`version` given: that version) in `Running`. */
export function runsVersion(m: ClusterMember, version?: string): boolean {
  return m.runtime
    .listDrivers()
    .some((d) =>
      d.versions.some(
        (v) => (version === undefined || v.version === version) && v.state === 'Running',
      ),
    );
}

/** Who holds each resource's live lease, by the member's own view (throws if one is owned twice). */
export async function ownersOf(m: ClusterMember): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const v of await m.members())
    for (const r of v.resources) {
      if (out.has(r)) throw new Error(`${r} owned twice`);
      out.set(r, v.memberId);
    }
  return out;
}

/** Every resource owned once, and each member's local compartments are exactly what it owns. */
export async function settled(
  members: readonly ClusterMember[],
  resources: readonly string[],
): Promise<boolean> {
  const first = members[0];
  if (!first) return true;
  const owners = await ownersOf(first);
  if (owners.size !== resources.length) return false;
  for (const m of members) {
    const local = m.runtime.resources
      .list()
      .map((e) => e.resource.id)
      .sort();
    const mine = [...owners].filter(([, o]) => o === m.id).map(([r]) => r);
    if (JSON.stringify(local) !== JSON.stringify(mine.sort())) return false;
    if (m.runtime.listResources().length !== resources.length) return false;
  }
  return true;
}
