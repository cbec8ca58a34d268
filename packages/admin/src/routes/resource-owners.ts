import { type ClusterMemberInfo, type ResourceOwner, serializeError } from '@chassis/kernel';
import type { RuntimeApi } from '@chassis/runtime';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Each resource's owner as the members view has it: the live member holding its lease, and
 * whether it owns it only as a fallback (no live member runs the resource's bound version).
 * A resource with no live owner (takeover in progress) is absent. Pure.
 */
export function resourceOwners(
  members: readonly ClusterMemberInfo[],
): ReadonlyMap<string, ResourceOwner> {
  const owners = new Map<string, ResourceOwner>();
  for (const m of members) {
    if (!m.alive) continue;
    const fallback = new Set(m.fallback);
    for (const r of m.resources) owners.set(r, { memberId: m.memberId, fallback: fallback.has(r) });
  }
  return owners;
}

/** `info` with its owner when it has one (the same object otherwise). Pure. */
export function withOwner<T extends { readonly resource: { readonly id: string } }>(
  info: T,
  owners: ReadonlyMap<string, ResourceOwner>,
): T & { owner?: ResourceOwner } {
  const owner = owners.get(info.resource.id);
  return owner ? { ...info, owner } : info;
}

/**
 * The owners now, in cluster mode (one read of the members view per request); none on a
 * standalone server. A failed read (the database briefly away) leaves the owners out of the
 * answer, logged: the resources themselves are this server's and still worth showing.
 */
export async function readOwners(
  runtime: Pick<RuntimeApi, 'cluster'>,
  log: Pick<FastifyBaseLogger, 'warn'>,
): Promise<ReadonlyMap<string, ResourceOwner>> {
  if (!runtime.cluster) return new Map();
  try {
    return resourceOwners(await runtime.cluster.members());
  } catch (err) {
    log.warn({ err: serializeError(err) }, 'resource owners could not be read');
    return new Map();
  }
}
