import type { CatalogDriver, CatalogVersion } from '@chassis/kernel/summaries';
import type { Command } from 'commander';
import { call, withConnection } from './admin-client.js';
import { conn, enc, print } from './drivers-shared.js';
import { table } from './table.js';

const signerOf = (v: CatalogVersion | undefined): string =>
  !v ? '' : v.signed ? (v.signer?.subject ?? 'signed') : 'unsigned';

/** The search result as a table: one line per driver, its newest compatible version's signer. */
export function renderCatalog(rows: readonly CatalogDriver[], query: string): string {
  if (rows.length === 0)
    return query
      ? `no driver in the repository matches "${query}"; try fewer words`
      : 'the repository offers no drivers';
  return table(
    ['ID', 'LATEST', 'CATEGORY', 'VENDOR', 'INSTALLED', 'SIGNER', 'DESCRIPTION'],
    rows.map((d) => [
      d.id,
      d.latest ?? '(none compatible)',
      d.category,
      d.vendor,
      d.installed.join(', ') || '-',
      signerOf(d.versions.find((v) => v.version === d.latest) ?? d.versions[0]),
      d.description ?? '',
    ]),
  );
}

/** One driver with every version, and the command that installs it. */
export function renderCatalogDriver(d: CatalogDriver): string {
  const lines = [
    `${d.name} (${d.id})`,
    `  vendor     ${d.vendor}`,
    `  category   ${d.category}`,
    `  installed  ${d.installed.join(', ') || 'no'}`,
    '',
    table(
      ['VERSION', 'COMPATIBLE', 'INSTALLED', 'SIGNER', 'PROVIDES', 'DESCRIPTION'],
      d.versions.map((v) => [
        v.version,
        v.compatible ? 'yes' : `no (needs Chassis ${v.engines.chassis})`,
        v.installed ? 'yes' : '',
        signerOf(v),
        v.provides.map((p) => `${p.point}@${p.version}`).join(', '),
        v.description ?? '',
      ]),
    ),
  ];
  if (d.latest && !d.installed.includes(d.latest))
    lines.push('', `install with: chassis drivers install ${d.id} --version ${d.latest}`);
  return lines.join('\n');
}

/** Registers `chassis catalog search [text]` and `chassis catalog show <id>`. */
export function registerCatalogCommands(program: Command): void {
  const catalog = program
    .command('catalog')
    .description("Browse the server's repository catalog (drivers to install by id)");

  withConnection(
    catalog
      .command('search [text...]')
      .description('Drivers whose id, name, vendor, category or description match every word'),
  ).action(async (words: string[], _o, cmd: Command) => {
    const query = words.join(' ');
    const rows = await call<CatalogDriver[]>(conn(cmd), 'GET', `/api/catalog?q=${enc(query)}`);
    print(cmd, rows, () => renderCatalog(rows, query));
  });

  withConnection(
    catalog
      .command('show <id>')
      .description('Every version of one driver: compatibility, signer, description'),
  ).action(async (id: string, _o, cmd: Command) => {
    const d = await call<CatalogDriver>(conn(cmd), 'GET', `/api/catalog/${enc(id)}`);
    print(cmd, d, () => renderCatalogDriver(d));
  });
}
