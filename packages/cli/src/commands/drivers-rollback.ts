import type { Command } from 'commander';
import { call, withConnection } from './admin-client.js';
import { recordLine } from './drivers-render.js';
import type { UpgradeRecord } from './drivers-rows.js';
import { conn, enc, print } from './drivers-shared.js';

/**
 * Registers `drivers rollback <id> [--to <version>]`: back to the previous version, or to any
 * kept one (the server names the kept versions when `--to` is not one of them).
 */
export function registerRollbackCommand(drivers: Command): void {
  withConnection(
    drivers
      .command('rollback <id>')
      .description('Move a driver back to its previous version, or to a chosen kept version'),
  )
    .option('--to <version>', 'a kept (installed) version (default: the previous one)')
    .action(async (id: string, opts: { to?: string }, cmd: Command) => {
      const record = await call<UpgradeRecord>(
        conn(cmd),
        'POST',
        `/api/drivers/${enc(id)}/rollback`,
        opts.to ? { to: opts.to } : {},
      );
      print(cmd, record, () => recordLine(record));
    });
}
