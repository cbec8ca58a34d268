import { existsSync } from 'node:fs';
import { renderTable } from '@chassis/car/format';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type Connection, call, output, readUpload, withConnection } from './admin-client.js';
import { withProgress } from './progress.js';

type Json = Record<string, unknown>;
interface VersionRow {
  version: string;
  state: string;
  active: boolean;
  resources: string[];
  installedAt: string;
  form?: FormFieldRow[];
}
interface FormFieldRow {
  key: string;
  label: string;
  type: string;
  required: boolean;
  masked: boolean;
  default?: unknown;
}
interface DriverRow {
  id: string;
  name: string;
  vendor: string;
  category: string;
  activeVersion?: string;
  state?: string;
  tier?: string;
  signature?: { signed: boolean; vendor?: string };
  provides: { point: string; version: string }[];
  requires: { id: string; version: string }[];
  versions: VersionRow[];
  update?: { available: string };
  resources?: ResourceRow[];
}
interface ResourceRow {
  resource: { id: string; kind: string; name?: string };
  binding: { driverId: string; version: string };
  configuration: Json;
  state: string;
  form?: FormFieldRow[];
}
interface UpgradeRecordRow {
  action: string;
  driverId: string;
  from?: string;
  to?: string;
  result: string;
  resources: { id: string }[];
}

const enc = encodeURIComponent;

function conn(cmd: Command): Connection {
  return cmd.optsWithGlobals() as Connection;
}

function print(cmd: Command, data: unknown, human: () => string): void {
  const { out } = output(cmd);
  out(`${conn(cmd).json ? JSON.stringify(data, null, 2) : human()}\n`);
}

function recordLine(r: UpgradeRecordRow): string {
  const moved = r.resources.length > 0 ? `; moved ${r.resources.map((x) => x.id).join(', ')}` : '';
  const span = r.from || r.to ? ` ${r.from ?? ''}${r.from && r.to ? ' → ' : ''}${r.to ?? ''}` : '';
  return `${r.action} ${r.driverId}${span}: ${r.result}${moved}`;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1.');
  return n;
}

/** `key=value` pairs typed by the resource's form: numbers and booleans parsed, `key=` removes. */
export function parseAssignments(
  pairs: readonly string[],
  form: readonly FormFieldRow[],
): Record<string, unknown> {
  const types = new Map(form.map((f) => [f.key, f.type]));
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`"${pair}" is not key=value.`);
    const key = pair.slice(0, i);
    const raw = pair.slice(i + 1);
    const type = types.get(key);
    let value: unknown = raw;
    if (raw === '') value = null;
    else if (type === 'number' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw))
      value = Number(raw);
    else if (type === 'boolean' && (raw === 'true' || raw === 'false')) value = raw === 'true';
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Registers `chassis drivers ...` and `chassis resources ...`: the admin API from the shell. */
export function registerDriversCommands(program: Command): void {
  // The root's `--version` would otherwise swallow `drivers install|upgrade --version <v>`:
  // with positional options, root options are only read before the sub-command name.
  program.enablePositionalOptions();
  const drivers = program
    .command('drivers')
    .description('Inspect and manage the drivers of a management server');

  withConnection(drivers.command('list').description('List installed drivers')).action(
    async (_o, cmd: Command) => {
      const rows = await call<DriverRow[]>(conn(cmd), 'GET', '/api/drivers');
      print(cmd, rows, () =>
        renderTable(
          ['ID', 'NAME', 'CATEGORY', 'VERSION', 'STATE', 'TIER', 'SIGNED', 'UPDATE'],
          rows.map((d) => [
            d.id,
            d.name,
            d.category,
            d.activeVersion ?? '-',
            d.state ?? '-',
            d.tier ?? '-',
            d.signature?.signed ? 'yes' : 'no',
            d.update?.available ?? '',
          ]),
        ),
      );
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
      print(cmd, d, () => {
        const active = d.versions.find((v) => v.active) ?? d.versions[d.versions.length - 1];
        return [
          `${d.name} (${d.id})`,
          `vendor ${d.vendor} · category ${d.category} · tier ${d.tier ?? '-'} · signed ${d.signature?.signed ? `yes (${d.signature.vendor ?? '?'})` : 'no'}`,
          `provides ${d.provides.map((p) => `${p.point} ${p.version}`).join(', ') || '-'} · requires ${d.requires.map((r) => `${r.id} ${r.version}`).join(', ') || '-'}`,
          '',
          renderTable(
            ['VERSION', 'STATE', 'ACTIVE', 'RESOURCES'],
            d.versions.map((v) => [
              v.version,
              v.state,
              v.active ? 'yes' : '',
              v.resources.join(','),
            ]),
          ),
          '',
          renderTable(
            ['PROPERTY', 'LABEL', 'TYPE', 'REQUIRED', 'SECRET', 'DEFAULT'],
            (active?.form ?? []).map((f) => [
              f.key,
              f.label,
              f.type,
              f.required ? 'yes' : '',
              f.masked ? 'yes' : '',
              f.default === undefined ? '' : String(f.default),
            ]),
          ),
          '',
          renderTable(
            ['RESOURCE', 'KIND', 'BOUND VERSION', 'STATE'],
            (d.resources ?? []).map((r) => [
              r.resource.id,
              r.resource.kind,
              r.binding.version,
              r.state,
            ]),
          ),
        ].join('\n');
      });
    });

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
            ? call<UpgradeRecordRow>(c, 'POST', '/api/drivers', await readUpload(target))
            : call<UpgradeRecordRow>(c, 'POST', '/api/drivers', {
                source: {
                  kind: 'repository',
                  id: target,
                  ...(opts.version ? { version: opts.version } : {}),
                },
              }),
      );
      print(cmd, record, () => recordLine(record));
    });

  withConnection(drivers.command('upgrade <id>').description('Upgrade a driver in place'))
    .option('--version <version>', 'target version (default: newest available)')
    .addOption(
      new Option('--policy <policy>', 'rollout policy')
        .choices(['all-at-once', 'one-at-a-time', 'canary'])
        .default('all-at-once'),
    )
    .option('--canaries <n>', 'resources moved first with --policy canary', positiveInt, 1)
    .action(
      async (
        id: string,
        opts: { version?: string; policy: string; canaries: number },
        cmd: Command,
      ) => {
        const c = conn(cmd);
        const policy =
          opts.policy === 'canary'
            ? { kind: 'canary', canaries: opts.canaries }
            : { kind: opts.policy };
        const record = await withProgress(c, id, `upgrading ${id}`, () =>
          call<UpgradeRecordRow>(c, 'POST', `/api/drivers/${enc(id)}/upgrade`, {
            ...(opts.version ? { version: opts.version } : {}),
            policy,
          }),
        );
        print(cmd, record, () => recordLine(record));
      },
    );

  withConnection(
    drivers.command('rollback <id>').description('Move a driver back to its previous version'),
  ).action(async (id: string, _o, cmd: Command) => {
    const record = await call<UpgradeRecordRow>(
      conn(cmd),
      'POST',
      `/api/drivers/${enc(id)}/rollback`,
    );
    print(cmd, record, () => recordLine(record));
  });

  withConnection(
    drivers.command('uninstall <id>').description('Uninstall a driver (or one version)'),
  )
    .option('--version <version>', 'only this version')
    .option('--force', 'even if resources are bound to it')
    .action(async (id: string, opts: { version?: string; force?: boolean }, cmd: Command) => {
      const q = new URLSearchParams();
      if (opts.version) q.set('version', opts.version);
      if (opts.force) q.set('force', 'true');
      const record = await call<UpgradeRecordRow>(
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
    const current = await call<ResourceRow>(c, 'GET', `/api/resources/${enc(resource)}`);
    const properties = parseAssignments(pairs, current.form ?? []);
    const updated = await call<ResourceRow>(
      c,
      'PUT',
      `/api/resources/${enc(resource)}/configuration`,
      { properties },
    );
    print(cmd, updated, () =>
      [
        `configured ${resource} (${updated.binding.driverId}@${updated.binding.version})`,
        renderTable(
          ['PROPERTY', 'VALUE'],
          Object.entries(updated.configuration).map(([k, v]) => [k, String(v)]),
        ),
      ].join('\n'),
    );
  });

  withConnection(drivers.command('restart <id>').description('Restart a Failed driver version'))
    .option('--version <version>', 'version (default: the active one)')
    .action(async (id: string, opts: { version?: string }, cmd: Command) => {
      const d = await call<DriverRow>(
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
      print(cmd, rows, () =>
        renderTable(
          ['RESOURCE', 'KIND', 'DRIVER', 'VERSION', 'STATE'],
          rows.map((r) => [
            r.resource.id,
            r.resource.kind,
            r.binding.driverId,
            r.binding.version,
            r.state,
          ]),
        ),
      );
    });
}
