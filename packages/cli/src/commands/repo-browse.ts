import { homedir } from 'node:os';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel/errors';
import type { DriverEntry, RepositoryClient } from '@chassis/repository';
import type { Command } from 'commander';
import { repository } from './lazy.js';
import { io, table } from './repo-shared.js';

/** Default client cache: per user, per repository URL. */
function defaultCache(url: string): string {
  const safe = url.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);
  return join(process.env.CHASSIS_CACHE_DIR ?? join(homedir(), '.cache', 'chassis'), 'repos', safe);
}

interface ClientOpts {
  repo: string;
  root: string;
  cache?: string;
  s3Endpoint?: string;
}

async function clientFor(opts: ClientOpts): Promise<RepositoryClient> {
  const { RepositoryClient } = await repository();
  return new RepositoryClient({
    url: opts.repo,
    trustedRoot: opts.root,
    cacheDir: opts.cache ?? defaultCache(opts.repo),
    ...(opts.s3Endpoint ? { s3: { endpoint: opts.s3Endpoint, forcePathStyle: true } } : {}),
  });
}

function withClientOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--repo <url>', 'repository: folder, file:, http(s):// or s3://bucket/prefix')
    .requiredOption('--root <file>', "the repository's trusted root.json (from its operator)")
    .option('--cache <dir>', 'where verified metadata is kept (default: ~/.cache/chassis)')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint for s3:// URLs')
    .option('--json', 'print JSON');
}

function entryRow(d: DriverEntry): string[] {
  return [
    d.id,
    d.version,
    d.category,
    d.vendor,
    d.signed ? (d.signer?.subject ?? 'signed') : 'unsigned',
  ];
}

/** Registers the operator's read side of `chassis repo`: `search` and `info` (TUF-verified). */
export function registerRepoBrowseCommands(repo: Command): void {
  withClientOptions(
    repo
      .command('search')
      .description(
        'List drivers in a repository (TUF-verified); query matches id, name, vendor, category',
      )
      .argument('[query]', 'text to match'),
  ).action(
    async (query: string | undefined, opts: ClientOpts & { json?: boolean }, cmd: Command) => {
      const client = await clientFor(opts);
      try {
        const q = query?.toLowerCase();
        const found = (await client.refresh()).filter(
          (d) =>
            !q || [d.id, d.name, d.vendor, d.category].some((s) => s.toLowerCase().includes(q)),
        );
        const { out } = io(cmd);
        if (opts.json) return out(JSON.stringify(found));
        if (!found.length) return out('No matching drivers.');
        for (const line of table([
          ['ID', 'VERSION', 'CATEGORY', 'VENDOR', 'SIGNATURE'],
          ...found.map(entryRow),
        ]))
          out(line);
      } finally {
        client.close();
      }
    },
  );

  withClientOptions(
    repo
      .command('info')
      .description('Show every version of a driver in a repository (TUF-verified)')
      .argument('<id>', 'driver id'),
  ).action(async (id: string, opts: ClientOpts & { json?: boolean }, cmd: Command) => {
    const client = await clientFor(opts);
    try {
      const versions = (await client.refresh()).filter((d) => d.id === id);
      if (!versions.length) {
        throw new ChassisError('CHASSIS_E_REPO_DRIVER_NOT_FOUND', `${id} is not in ${opts.repo}`, {
          details: { driver: id },
        });
      }
      const { out } = io(cmd);
      if (opts.json) return out(JSON.stringify(versions));
      const first = versions[0]!;
      out(`${first.name} (${id})`);
      out(`  vendor    ${first.vendor}`);
      out(`  category  ${first.category}`);
      for (const d of versions) {
        out(
          `  ${d.version}  engines ${d.engines.chassis}  provides ${d.provides.map((p) => `${p.point}@${p.version}`).join(', ')}`,
        );
        out(
          `    sha256 ${d.sha256}  ${d.length} bytes  ${d.signed ? `signed by ${d.signer?.subject ?? '?'}` : 'unsigned'}`,
        );
      }
    } finally {
      client.close();
    }
  });
}
