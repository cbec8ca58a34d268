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
