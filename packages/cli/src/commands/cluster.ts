import type { Command } from 'commander';
import { call, withConnection } from './admin-client.js';
import type { ClusterMemberInfo, ClusterOverview, DriverMembers } from './drivers-rows.js';
import { conn, print } from './drivers-shared.js';
import { table } from './table.js';

export type { ClusterOverview, DriverMembers } from './drivers-rows.js';

/** How a member's health reads: `alive`, or `stale` once it missed its heartbeats. */
const health = (m: { readonly alive: boolean }) => (m.alive ? 'alive' : 'stale');

/** A member's drivers in one cell: how many versions are in each state, e.g. `2 Running, 1 Failed`. */
export function driverStateSummary(drivers: ClusterMemberInfo['drivers']): string {
  const counts = new Map<string, number>();
  for (const d of drivers) counts.set(d.state, (counts.get(d.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ') || '-';
}

/** Lines under a table: resources a member owns only because no live member runs their driver. */
function fallbackLines(rows: readonly { memberId: string; fallback: readonly string[] }[]) {
  return rows
    .filter((m) => m.fallback.length > 0)
    .map(
      (m) =>
        `${m.memberId} owns ${m.fallback.join(', ')} as a fallback: no live member runs their driver's bound version`,
    );
}

/** The table of `cluster members` (the answering member marked with `*`). */
export function renderMembers(o: ClusterOverview): string {
  if (o.mode === 'standalone')
    return 'standalone server: not a cluster member (configure `state.kind: postgres` and `cluster:`)';
  return [
    table(
      ['MEMBER', 'HEALTH', 'LEADER', 'LAST HEARTBEAT', 'RESOURCES', 'DRIVERS', 'URL'],
      o.members.map((m) => [
        `${m.memberId}${m.self ? ' *' : ''}`,
        health(m),
        m.leader ? 'yes' : '',
        m.lastHeartbeat,
        m.resources.length === 0 ? '-' : `${m.resources.length}: ${m.resources.join(', ')}`,
        driverStateSummary(m.drivers),
        m.url,
      ]),
    ),
    ...o.members
      .filter((m) => !m.alive)
      .map(
        (m) =>
          `${m.memberId} is stale: no heartbeat since ${m.lastHeartbeat}; its drivers are as last published`,
      ),
    ...fallbackLines(o.members),
  ].join('\n');
}

/**
 * `drivers show` in cluster mode: the driver on every member (one row per member and version),
 * why a version failed there, and resources owned as a fallback. Empty on a standalone server.
 */
export function renderDriverMembers(d: DriverMembers): string {
  if (d.mode === 'standalone') return '';
  const rows = d.members.flatMap((m) => {
    const member = `${m.memberId}${m.self ? ' *' : ''}`;
    const owned = m.resources.length === 0 ? '-' : m.resources.join(', ');
    const eligible = m.eligible ? 'yes' : 'no';
    if (m.versions.length === 0)
      return [[member, health(m), '-', 'not loaded', '-', eligible, owned]];
    return m.versions.map((v) => [
      member,
      health(m),
      `${v.version}${v.active ? ' (active)' : ''}`,
      v.state,
      v.tier,
      eligible,
      owned,
    ]);
  });
  return [
    table(['MEMBER', 'HEALTH', 'VERSION', 'STATE', 'TIER', 'MAY OWN', 'RESOURCES OWNED'], rows),
    ...d.members.flatMap((m) =>
      m.versions.flatMap((v) =>
        v.failure
          ? [`${m.memberId} ${v.version} failed: ${v.failure.code} ${v.failure.message}`]
          : [],
      ),
    ),
    ...fallbackLines(d.members),
  ].join('\n');
}

/** Registers `chassis cluster members`. */
export function registerClusterCommands(program: Command): void {
  const cluster = program
    .command('cluster')
    .description('Members of a cluster of management servers on one PostgreSQL');
  withConnection(
    cluster
      .command('members')
      .description('List the members: health, last heartbeat, resources owned, leader, drivers'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const o = await call<ClusterOverview>(conn(cmd), 'GET', '/api/cluster/members');
    print(cmd, o, () => renderMembers(o));
  });
}
