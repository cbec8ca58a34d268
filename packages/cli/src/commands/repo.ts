import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel/errors';
import type {
  CarVerifier,
  DriverEntry,
  MirrorProgress,
  RepositoryClient,
} from '@chassis/repository';
import type { Command } from 'commander';
import { cliProgress, repository } from './lazy.js';

/** Output functions of the root program (runCli's streams in tests). */
function io(cmd: Command): { out: (line: string) => void; err: (line: string) => void } {
  let root = cmd;
  while (root.parent) root = root.parent;
  const o = root.configureOutput();
  const out = o.writeOut ?? ((s: string) => process.stdout.write(s));
  const err = o.writeErr ?? ((s: string) => process.stderr.write(s));
  return { out: (l) => out(`${l}\n`), err: (l) => err(`${l}\n`) };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

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

/** A progress reporter: a bar on a terminal, plain lines otherwise (CI, tests). */
async function progress(
  cmd: Command,
  quiet: boolean,
): Promise<{ onProgress: (p: MirrorProgress) => void; stop: () => void }> {
  const { err } = io(cmd);
  if (quiet) return { onProgress: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const { SingleBar } = await cliProgress();
    const bar = new SingleBar({
      format: '{bar} {value}/{total} CARs | {file}',
      hideCursor: true,
      stream: process.stderr,
    });
    let started = false;
    return {
      onProgress: (p) => {
        if (p.phase !== 'cars') return;
        if (!started) bar.start(p.total, 0, { file: '' });
        started = true;
        bar.update(p.done, { file: p.skipped ? `${p.file} (kept)` : p.file });
      },
      stop: () => bar.stop(),
    };
  }
  return {
    onProgress: (p) => {
      if (p.phase === 'cars')
        err(`[${p.done}/${p.total}] ${p.skipped ? 'kept  ' : 'copied'} ${p.file}`);
      else err(`${p.phase}...`);
    },
    stop: () => {},
  };
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

/** Registers `chassis repo ...`: TUF driver repositories, mirrors and bundles. */
export function registerRepoCommands(program: Command): void {
  const repo = program
    .command('repo')
    .description('Signed driver repositories (TUF): create, publish, search, mirror, export');

  repo
    .command('init')
    .description('Create an empty repository in <dir>, with its signing keys in --keys')
    .argument('<dir>', 'repository folder (what gets published)')
    .requiredOption('--keys <dir>', 'private keys folder, outside the repository')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { keys: string; json?: boolean }, cmd: Command) => {
      const { initRepository } = await repository();
      const r = await initRepository(dir, { keysDir: opts.keys });
      const { out } = io(cmd);
      if (opts.json) return out(JSON.stringify(r));
      out(`Created repository ${dir}`);
      out(`  trusted root  ${r.rootFile}  (give this file to operators)`);
      for (const [role, id] of Object.entries(r.keyIds)) out(`  ${role.padEnd(12)}  ${id}`);
      out(`Keep ${opts.keys} private and out of the published folder.`);
    });

  repo
    .command('add')
    .description('Verify CARs and publish them (all or nothing), then re-sign the metadata')
    .argument('<dir>', 'repository folder')
    .argument('<car...>', 'CAR files')
    .requiredOption('--keys <dir>', 'private keys folder')
    .option('--ca <file>', 'project CA certificate: also require a trusted vendor signature')
    .option('--revocations <file>', 'signed revocation list (with --ca)')
    .option(
      '--allow-unsigned <id>',
      'driver id allowed unsigned (with --ca; repeatable)',
      collect,
      [],
    )
    .option('--json', 'print JSON')
    .action(
      async (
        dir: string,
        cars: string[],
        opts: {
          keys: string;
          ca?: string;
          revocations?: string;
          allowUnsigned: string[];
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const { addCars, verifyCarTrust } = await repository();
        let verify: CarVerifier | undefined;
        if (opts.ca) {
          const caPem = await readFile(opts.ca, 'utf8');
          const revocations = opts.revocations
            ? await readFile(opts.revocations, 'utf8')
            : undefined;
          verify = async (file) => {
            await verifyCarTrust(file, {
              caPem,
              allowUnsigned: opts.allowUnsigned,
              ...(revocations === undefined ? {} : { revocations }),
            });
          };
        } else if (opts.revocations || opts.allowUnsigned.length) {
          throw new ChassisError(
            'CHASSIS_E_CLI_USAGE',
            '--revocations and --allow-unsigned need --ca',
          );
        }
        const r = await addCars(dir, cars, { keysDir: opts.keys, ...(verify ? { verify } : {}) });
        const { out } = io(cmd);
        if (opts.json)
          return out(JSON.stringify({ added: r.added, targetsVersion: r.targetsVersion }));
        for (const d of r.added) out(`published ${d.id}@${d.version}  ${d.path}`);
        out(
          `targets v${r.targetsVersion}, snapshot v${r.snapshotVersion}, timestamp v${r.timestampVersion}`,
        );
      },
    );

  repo
    .command('index')
    .description('Regenerate and re-sign the metadata from cars/ (also renews expiry)')
    .argument('<dir>', 'repository folder')
    .requiredOption('--keys <dir>', 'private keys folder')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { keys: string; json?: boolean }, cmd: Command) => {
      const { indexRepository } = await repository();
      const r = await indexRepository(dir, { keysDir: opts.keys });
      const { out } = io(cmd);
      if (opts.json) return out(JSON.stringify(r));
      out(
        `${r.drivers.length} driver version(s); targets v${r.targetsVersion}, timestamp v${r.timestampVersion}`,
      );
    });

  repo
    .command('serve')
    .description('Serve a repository folder over HTTP (tests and demos)')
    .argument('<dir>', 'repository folder')
    .option('--port <n>', 'port (0 = any)', (v) => Number.parseInt(v, 10), 8080)
    .option('--host <addr>', 'bind address', '127.0.0.1')
    .action(async (dir: string, opts: { port: number; host: string }, cmd: Command) => {
      const { serveRepository } = await repository();
      const server = await serveRepository(dir, { port: opts.port, host: opts.host });
      io(cmd).out(`Serving ${dir} at ${server.url} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });

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

  repo
    .command('mirror')
    .description(
      'Copy a repository to a folder (verified, CARs first, metadata last, resumable); "repo mirror verify <dir> --root <file>" verifies one',
    )
    .argument('<src>', 'source repository URL or folder')
    .argument('<dst>', 'destination folder')
    .option('--root <file>', "trusted root.json (default: the source's 1.root.json)")
    .option('--s3-endpoint <url>', 'S3-compatible endpoint for s3:// URLs')
    .option('--quiet', 'no progress output')
    .option('--json', 'print JSON')
    .action(
      async (
        src: string,
        dst: string,
        opts: { root?: string; s3Endpoint?: string; quiet?: boolean; json?: boolean },
        cmd: Command,
      ) => {
        if (src === 'verify') {
          // `repo mirror verify <dir> --root <root.json>`, the spelling of the issue.
          if (!opts.root)
            throw new ChassisError('CHASSIS_E_CLI_USAGE', 'repo mirror verify needs --root');
          const { verifyMirror } = await repository();
          const r = await verifyMirror(dst, opts.root);
          const { out } = io(cmd);
          if (opts.json) return out(JSON.stringify(r));
          return out(
            `${dst}: complete and valid, ${r.drivers} CAR(s), root v${r.rootVersion}, expires ${r.expires}`,
          );
        }
        const { mirrorRepository } = await repository();
        const p = await progress(cmd, Boolean(opts.quiet || opts.json));
        try {
          const r = await mirrorRepository(src, dst, {
            onProgress: p.onProgress,
            ...(opts.root ? { trustedRoot: opts.root } : {}),
            ...(opts.s3Endpoint ? { s3: { endpoint: opts.s3Endpoint, forcePathStyle: true } } : {}),
          });
          const { out } = io(cmd);
          if (opts.json) return out(JSON.stringify(r));
          out(
            `Mirrored ${r.drivers} CAR(s) to ${dst}: ${r.copied} copied, ${r.skipped} already present`,
          );
        } finally {
          p.stop();
        }
      },
    );

  repo
    .command('mirror-verify')
    .alias('verify')
    .description('Verify a mirror folder completely against a trusted root')
    .argument('<dir>', 'mirror folder')
    .requiredOption('--root <file>', 'trusted root.json')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { root: string; json?: boolean }, cmd: Command) => {
      const { verifyMirror } = await repository();
      const r = await verifyMirror(dir, opts.root);
      const { out } = io(cmd);
      if (opts.json) return out(JSON.stringify(r));
      out(
        `${dir}: complete and valid, ${r.drivers} CAR(s), root v${r.rootVersion}, expires ${r.expires}`,
      );
    });

  repo
    .command('export')
    .description('Write a repository into one bundle file (for air-gapped transfer)')
    .argument('<dir>', 'repository folder')
    .argument('<file>', 'bundle file to write')
    .option('--json', 'print JSON')
    .action(async (dir: string, file: string, opts: { json?: boolean }, cmd: Command) => {
      const { exportBundle } = await repository();
      const r = await exportBundle(dir, file);
      const { out } = io(cmd);
      if (opts.json) return out(JSON.stringify({ file, ...r }));
      out(`Exported ${r.cars} CAR(s) and metadata to ${file}`);
    });

  repo
    .command('import')
    .description('Verify a bundle and import it into a mirror folder')
    .argument('<file>', 'bundle file')
    .argument('<dir>', 'destination folder')
    .option('--root <file>', "trusted root.json (default: the bundle's own 1.root.json)")
    .option('--quiet', 'no progress output')
    .option('--json', 'print JSON')
    .action(
      async (
        file: string,
        dir: string,
        opts: { root?: string; quiet?: boolean; json?: boolean },
        cmd: Command,
      ) => {
        const { importBundle } = await repository();
        const p = await progress(cmd, Boolean(opts.quiet || opts.json));
        try {
          const r = await importBundle(file, dir, {
            onProgress: p.onProgress,
            ...(opts.root ? { trustedRoot: opts.root } : {}),
          });
          const { out } = io(cmd);
          if (opts.json) return out(JSON.stringify(r));
          out(`Imported ${r.drivers} CAR(s) into ${dir} (root v${r.rootVersion})`);
        } finally {
          p.stop();
        }
      },
    );
}
