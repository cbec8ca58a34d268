import type { Command } from 'commander';
import { call, withConnection } from './admin-client.js';
import { renderDriverMembers } from './cluster.js';
import { renderDriver, renderDriverList } from './drivers-render.js';
import type { DriverDetail, DriverMembers, DriverSummary, UpdateNotice } from './drivers-rows.js';
import { conn, enc, print } from './drivers-shared.js';
import { propertyTable } from './schema-columns.js';

/** Registers the read-only `drivers list` and `drivers show`. */
export function registerDriverReadCommands(drivers: Command): void {
  withConnection(drivers.command('list').description('List installed drivers')).action(
    async (_o, cmd: Command) => {
      const rows = await call<DriverSummary[]>(conn(cmd), 'GET', '/api/drivers');
      print(cmd, rows, () => renderDriverList(rows));
    },
  );

  withConnection(
    drivers
      .command('show <id>')
      .description('Show one driver: versions, configuration form, resources'),
  )
    .option('--locale <locale>', 'locale of labels', 'en')
    .action(async (id: string, opts: { locale: string }, cmd: Command) => {
      const d = await call<DriverDetail>(
        conn(cmd),
        'GET',
        `/api/drivers/${enc(id)}?locale=${enc(opts.locale)}`,
      );
      // Cluster mode: the driver on every member too (a standalone server answers none).
      const m = await call<DriverMembers>(conn(cmd), 'GET', `/api/drivers/${enc(id)}/members`);
      if (m.mode === 'standalone') print(cmd, d, () => renderDriver(d));
      else
        print(cmd, { ...d, members: m.members }, () =>
          [renderDriver(d), '', renderDriverMembers(m)].join('\n'),
        );
    });

  withConnection(
    drivers.command('updates').description('List newer versions the repository offers'),
  )
    .option('--check', 'refresh the repository metadata now first')
    .action(async (opts: { check?: boolean }, cmd: Command) => {
      const rows = await call<UpdateNotice[]>(
        conn(cmd),
        opts.check ? 'POST' : 'GET',
        opts.check ? '/api/updates/check' : '/api/updates',
      );
      print(cmd, rows, () =>
        rows.length === 0
          ? 'no updates available'
          : propertyTable(['id', 'category', 'installed', 'available'], rows),
      );
    });
}
