import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { call, namedForUser, readUpload, withConnection } from './admin-client.js';
import { parseAssignments } from './drivers-assignments.js';
import { recordLine, renderConfigured } from './drivers-render.js';
import { registerRollbackCommand } from './drivers-rollback.js';
import type { DriverDetail, ResourceDetail, ResourceInfo, UpgradeRecord } from './drivers-rows.js';
import { conn, enc, print } from './drivers-shared.js';
import { registerUpgradeCommand } from './drivers-upgrade.js';
import { withProgress } from './progress.js';

/**
 * Registers the `drivers` commands that change a server: install, upgrade, rollback, uninstall,
 * configure and restart.
 */
export function registerDriverMutationCommands(drivers: Command): void {
  withConnection(
    drivers
      .command('install <car-or-id>')
      .description('Install a driver from a CAR file (uploaded) or from the repository by id'),
  )
    .option('--version <version>', 'repository version (default: newest)')
    .action(async (target: string, opts: { version?: string }, cmd: Command) => {
      const c = conn(cmd);
      const record = await withProgress(
        c,
        existsSync(target) ? undefined : target,
        `installing ${target}`,
        async () =>
          existsSync(target)
            ? call<UpgradeRecord>(c, 'POST', '/api/drivers', await readUpload(target)).catch(
                (err: unknown) => {
                  throw namedForUser(err, target);
                },
              )
            : call<UpgradeRecord>(c, 'POST', '/api/drivers', {
                source: {
                  kind: 'repository',
                  id: target,
                  ...(opts.version ? { version: opts.version } : {}),
                },
              }),
      );
      print(cmd, record, () => recordLine(record));
    });

  registerUpgradeCommand(drivers);

  registerRollbackCommand(drivers);

  withConnection(
    drivers.command('uninstall <id>').description('Uninstall a driver (or one version)'),
  )
    .option('--version <version>', 'only this version')
    .option('--force', 'even if resources are bound to it')
    .action(async (id: string, opts: { version?: string; force?: boolean }, cmd: Command) => {
      const q = new URLSearchParams();
      if (opts.version) q.set('version', opts.version);
      if (opts.force) q.set('force', 'true');
      const record = await call<UpgradeRecord>(
        conn(cmd),
        'DELETE',
        `/api/drivers/${enc(id)}${q.size ? `?${q}` : ''}`,
      );
      print(cmd, record, () => recordLine(record));
    });

  withConnection(
    drivers
      .command('configure <resource> <assignments...>')
      .description('Change a resource configuration: key=value … (key= removes a value)'),
  ).action(async (resource: string, pairs: string[], _o, cmd: Command) => {
    const c = conn(cmd);
    const current = await call<ResourceDetail>(c, 'GET', `/api/resources/${enc(resource)}`);
    const properties = parseAssignments(pairs, current.form);
    const updated = await call<ResourceInfo>(
      c,
      'PUT',
      `/api/resources/${enc(resource)}/configuration`,
      { properties },
    );
    print(cmd, updated, () => renderConfigured(resource, updated));
  });

  withConnection(drivers.command('restart <id>').description('Restart a Failed driver version'))
    .option('--version <version>', 'version (default: the active one)')
    .action(async (id: string, opts: { version?: string }, cmd: Command) => {
      const d = await call<DriverDetail>(
        conn(cmd),
        'POST',
        `/api/drivers/${enc(id)}/restart`,
        opts.version ? { version: opts.version } : {},
      );
      print(
        cmd,
        d,
        () => `restarted ${d.id}@${d.activeVersion ?? opts.version ?? ''}: ${d.state ?? '-'}`,
      );
    });
}
