import type { Command } from 'commander';
import { withConnection } from './admin-client.js';
import { enc } from './drivers-shared.js';
import { applyAccepted, type FollowOpts, withFollow } from './upgrade-follow.js';

/**
 * Registers `drivers rollback <id> [--to <version>]`: back to the previous version, or to any
 * kept one (the server names the kept versions when `--to` is not one of them). Accepted at
 * once and followed by its id, as `drivers upgrade` is.
 */
export function registerRollbackCommand(drivers: Command): void {
  withFollow(
    withConnection(
      drivers
        .command('rollback <id>')
        .description('Move a driver back to its previous version, or to a chosen kept version'),
    ).option('--to <version>', 'a kept (installed) version (default: the previous one)'),
    'rollback',
  ).action(async (id: string, opts: FollowOpts & { to?: string }, cmd: Command) => {
    await applyAccepted(
      cmd,
      `/api/drivers/${enc(id)}/rollback`,
      opts.to ? { to: opts.to } : {},
      opts,
    );
  });
}
