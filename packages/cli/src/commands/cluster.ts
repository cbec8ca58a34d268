import type { Command } from 'commander';
import { call, withConnection } from './admin-client.js';
import { conn, print } from './drivers-shared.js';
import { table } from './table.js';

/** The answer of `GET /api/cluster/members` (the admin API's `ClusterOverview`). */
export interface ClusterOverview {
  readonly mode: 'cluster' | 'standalone';
  readonly memberId?: string;
  readonly members: readonly {
    readonly memberId: string;
    readonly url: string;
    readonly alive: boolean;
    readonly leader: boolean;
    readonly lastHeartbeat: string;
    readonly resources: readonly string[];
    readonly self: boolean;
  }[];
}

/** The table of `cluster members` (the answering member marked with `*`). */
export function renderMembers(o: ClusterOverview): string {
  if (o.mode === 'standalone')
    return 'standalone server: not a cluster member (configure `state.kind: postgres` and `cluster:`)';
  return table(
    ['MEMBER', 'HEALTH', 'LEADER', 'LAST HEARTBEAT', 'RESOURCES', 'URL'],
    o.members.map((m) => [
      `${m.memberId}${m.self ? ' *' : ''}`,
      m.alive ? 'alive' : 'down',
      m.leader ? 'yes' : '',
      m.lastHeartbeat,
      m.resources.length === 0 ? '-' : `${m.resources.length}: ${m.resources.join(', ')}`,
      m.url,
    ]),
  );
}

/** Registers `chassis cluster members`. */
export function registerClusterCommands(program: Command): void {
  const cluster = program
    .command('cluster')
    .description('Members of a cluster of management servers on one PostgreSQL');
  withConnection(
    cluster
      .command('members')
      .description('List the members: health, last heartbeat, resources owned, leader'),
  ).action(async (_opts: unknown, cmd: Command) => {
    const o = await call<ClusterOverview>(conn(cmd), 'GET', '/api/cluster/members');
    print(cmd, o, () => renderMembers(o));
  });
}
