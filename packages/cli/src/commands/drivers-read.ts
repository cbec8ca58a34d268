import type { Command } from 'commander';
import { call, withConnection } from './admin-client.js';
import { renderDriver, renderDriverList, renderResourceList } from './drivers-render.js';
import type { DriverRow, ResourceRow } from './drivers-rows.js';
import { conn, enc, print } from './drivers-shared.js';

/** Registers the read-only `drivers list` and `drivers show`. */
export function registerDriverReadCommands(drivers: Command): void {
  withConnection(drivers.command('list').description('List installed drivers')).action(
    async (_o, cmd: Command) => {
      const rows = await call<DriverRow[]>(conn(cmd), 'GET', '/api/drivers');
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
      const d = await call<DriverRow>(
        conn(cmd),
        'GET',
        `/api/drivers/${enc(id)}?locale=${enc(opts.locale)}`,
      );
      print(cmd, d, () => renderDriver(d));
    });
}

/** Registers `chassis resources list`. */
export function registerResourcesCommands(program: Command): void {
  const resources = program
    .command('resources')
    .description('Inspect the resources of a management server');
  withConnection(
    resources.command('list').description('List resources and their bound driver versions'),
  )
    .option('--driver <id>', 'only resources of this driver')
    .action(async (opts: { driver?: string }, cmd: Command) => {
      const rows = await call<ResourceRow[]>(
        conn(cmd),
        'GET',
        `/api/resources${opts.driver ? `?driverId=${enc(opts.driver)}` : ''}`,
      );
      print(cmd, rows, () => renderResourceList(rows));
    });
}
