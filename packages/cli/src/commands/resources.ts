import { type Command, InvalidArgumentError, Option } from 'commander';
import { call, withConnection } from './admin-client.js';
import { parseAssignments } from './drivers-assignments.js';
import { renderConfigured } from './drivers-render.js';
import type {
  DriverDetail,
  ResourceDetail,
  ResourceInfo,
  ResourceTestRow,
} from './drivers-rows.js';
import { conn, enc, print } from './drivers-shared.js';
import { renderResource, renderResourceList, renderTest } from './resources-render.js';

function jsonArg(value: string, previous: unknown[] = []): unknown[] {
  try {
    return [...previous, JSON.parse(value)];
  } catch {
    // Not JSON: a bare word is the string itself (`--arg host-1`).
    return [...previous, value];
  }
}

function timeout(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be milliseconds ≥ 1.');
  return n;
}

/** The configuration form of a driver's active version, to type `key=value` assignments. */
async function activeForm(cmd: Command, driverId: string) {
  const d = await call<DriverDetail>(conn(cmd), 'GET', `/api/drivers/${enc(driverId)}`);
  return (d.versions.find((v) => v.active) ?? d.versions.at(-1))?.form ?? [];
}

/**
 * Registers `chassis resources …`: list (filters), show, create, update, delete, pin, unpin
 * and test.
 */
export function registerResourcesCommands(program: Command): void {
  const resources = program
    .command('resources')
    .description('Create, configure, test and delete the resources of a management server');

  withConnection(
    resources.command('list').description('List resources and their bound driver versions'),
  )
    .option('--driver <id>', 'only resources of this driver')
    .option('--version <version>', 'only resources bound to this version')
    .addOption(
      new Option('--state <state>', 'only resources in this state').choices([
        'active',
        'suspended',
        'closed',
      ]),
    )
    .action(async (opts: { driver?: string; version?: string; state?: string }, cmd: Command) => {
      const q = new URLSearchParams();
      if (opts.driver) q.set('driverId', opts.driver);
      if (opts.version) q.set('version', opts.version);
      if (opts.state) q.set('state', opts.state);
      const rows = await call<ResourceInfo[]>(
        conn(cmd),
        'GET',
        `/api/resources${q.size ? `?${q}` : ''}`,
      );
      print(cmd, rows, () => renderResourceList(rows));
    });

  withConnection(resources.command('show <id>').description('Show a resource (secrets masked)'))
    .option('--locale <locale>', 'locale of labels', 'en')
    .action(async (id: string, opts: { locale: string }, cmd: Command) => {
      const r = await call<ResourceDetail>(
        conn(cmd),
        'GET',
        `/api/resources/${enc(id)}?locale=${enc(opts.locale)}`,
      );
      print(cmd, r, () => renderResource(r));
    });

  withConnection(
    resources
      .command('create <id> [assignments...]')
      .description("Create a resource bound to the driver's active version: key=value …"),
  )
    .requiredOption('--driver <id>', 'the driver serving it')
    .option('--kind <kind>', 'resource kind', 'pool')
    .option('--name <name>', 'display name')
    .action(
      async (
        id: string,
        pairs: string[],
        opts: { driver: string; kind: string; name?: string },
        cmd: Command,
      ) => {
        const properties = parseAssignments(pairs, await activeForm(cmd, opts.driver));
        const r = await call<ResourceInfo>(conn(cmd), 'POST', '/api/resources', {
          id,
          kind: opts.kind,
          driverId: opts.driver,
          ...(opts.name ? { name: opts.name } : {}),
          properties,
        });
        print(cmd, r, () => `created ${id} (${r.binding.driverId}@${r.binding.version})`);
      },
    );

  withConnection(
    resources
      .command('update <id> <assignments...>')
      .description('Change a configuration: key=value … (key= removes a value)'),
  ).action(async (id: string, pairs: string[], _o, cmd: Command) => {
    const c = conn(cmd);
    const current = await call<ResourceDetail>(c, 'GET', `/api/resources/${enc(id)}`);
    const properties = parseAssignments(pairs, current.form);
    const updated = await call<ResourceInfo>(c, 'PUT', `/api/resources/${enc(id)}/configuration`, {
      properties,
    });
    print(cmd, updated, () => renderConfigured(id, updated));
  });

  withConnection(
    resources
      .command('delete <id>')
      .description('Delete a resource and its configuration, secrets included'),
  )
    .option('--force', 'even with operations running or queued')
    .action(async (id: string, opts: { force?: boolean }, cmd: Command) => {
      await call(
        conn(cmd),
        'DELETE',
        `/api/resources/${enc(id)}${opts.force ? '?force=true' : ''}`,
      );
      print(cmd, { deleted: id }, () => `deleted ${id}`);
    });

  withConnection(
    resources
      .command('pin <id> <version>')
      .description('Move a resource to an installed version and hold it there'),
  ).action(async (id: string, version: string, _o, cmd: Command) => {
    const r = await call<ResourceInfo>(conn(cmd), 'PUT', `/api/resources/${enc(id)}/pin`, {
      version,
    });
    print(cmd, r, () => `pinned ${id} to ${r.binding.driverId}@${r.binding.version}`);
  });

  withConnection(
    resources.command('unpin <id>').description('Let whole-driver upgrades move it again'),
  ).action(async (id: string, _o, cmd: Command) => {
    const r = await call<ResourceInfo>(conn(cmd), 'PUT', `/api/resources/${enc(id)}/pin`, {
      version: null,
    });
    print(cmd, r, () => `unpinned ${id} (${r.binding.driverId}@${r.binding.version})`);
  });

  withConnection(
    resources
      .command('test <id>')
      .description(
        "Run the driver's health check, or a read-only operation (stats, capabilities…)",
      ),
  )
    .option('--operation <name>', 'a read-only operation of the contract (default: health)')
    .option('--arg <value>', 'an argument of the operation (JSON or a word; repeatable)', jsonArg)
    .option('--timeout <ms>', 'deadline of the call', timeout)
    .action(
      async (
        id: string,
        opts: { operation?: string; arg?: unknown[]; timeout?: number },
        cmd: Command,
      ) => {
        const t = await call<ResourceTestRow>(conn(cmd), 'POST', `/api/resources/${enc(id)}/test`, {
          ...(opts.operation ? { operation: opts.operation } : {}),
          ...(opts.arg ? { args: opts.arg } : {}),
          ...(opts.timeout ? { timeoutMs: opts.timeout } : {}),
        });
        print(cmd, t, () => renderTest(t));
      },
    );
}
