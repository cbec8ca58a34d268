import type { UpgradeStatus } from '@chassis/kernel/summaries';
import type { Command } from 'commander';
import { call, withConnection } from './admin-client.js';
import { recordLine } from './drivers-render.js';
import { conn, enc, print } from './drivers-shared.js';
import {
  DEFAULT_WAIT_TIMEOUT_MS,
  followUpgrade,
  positiveMs,
  printOutcome,
  statusLine,
} from './upgrade-follow.js';

/**
 * Registers `chassis upgrades list [--driver <id>]` (the upgrade history) and
 * `chassis upgrades show <id> [--wait]`: one accepted upgrade or rollback (or any history
 * action) by id; on a cluster any member answers for it.
 */
export function registerUpgradesCommands(program: Command): void {
  const upgrades = program
    .command('upgrades')
    .description('Installs, upgrades and rollbacks of a management server, by id');
  withConnection(upgrades.command('list').description('The upgrade history, oldest first'))
    .option('--driver <id>', 'only this driver')
    .action(async (opts: { driver?: string }, cmd: Command) => {
      const rows = await call<Parameters<typeof recordLine>[0][]>(
        conn(cmd),
        'GET',
        `/api/upgrades${opts.driver ? `?driverId=${enc(opts.driver)}` : ''}`,
      );
      print(cmd, rows, () =>
        rows.length === 0
          ? 'no upgrades recorded'
          : rows.map((r) => `${(r as { id?: string }).id ?? ''}  ${recordLine(r)}`).join('\n'),
      );
    });
  withConnection(
    upgrades
      .command('show <id>')
      .description('Where one upgrade or rollback is (the id a --no-wait upgrade printed)'),
  )
    .option('--wait', 'follow it until it ends; exit as the upgrade itself would')
    .option(
      '--wait-timeout <ms>',
      'stop following it after this long',
      positiveMs,
      DEFAULT_WAIT_TIMEOUT_MS,
    )
    .option('--progress', 'with --wait: a progress line per change on stderr, even off a terminal')
    .action(
      async (
        id: string,
        opts: { wait?: boolean; waitTimeout: number; progress?: boolean },
        cmd: Command,
      ) => {
        const status = await call<UpgradeStatus>(conn(cmd), 'GET', `/api/upgrades/${enc(id)}`);
        if (!opts.wait) {
          print(cmd, status, () => statusLine(status));
          return;
        }
        printOutcome(cmd, await followUpgrade(cmd, status, opts.waitTimeout, opts.progress));
      },
    );
}
