import { ChassisError } from '@chassis/kernel/errors';
import type { MirrorProgress } from '@chassis/repository';
import type { Command } from 'commander';
import { cliProgress, repository } from './lazy.js';
import { io } from './repo-shared.js';

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

/** Progress of `repo export`: a bytes bar on a terminal, nothing otherwise (one line at the end). */
async function exportProgress(
  quiet: boolean,
): Promise<{ onProgress?: (p: MirrorProgress) => void; stop: () => void }> {
  if (quiet || !process.stderr.isTTY) return { stop: () => {} };
  const { SingleBar } = await cliProgress();
  const bar = new SingleBar({
    format: '{bar} {percentage}% | {value}/{total} bytes',
    hideCursor: true,
    stream: process.stderr,
  });
  let started = false;
  return {
    onProgress: (p) => {
      if (!started) bar.start(Math.max(p.totalBytes, 1), 0);
      started = true;
      bar.update(p.bytes);
    },
    stop: () => bar.stop(),
  };
}

/** Registers the copying side of `chassis repo`: `mirror`, `mirror-verify`, `export`, `import`. */
export function registerRepoMirrorCommands(repo: Command): void {
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
    .option('--quiet', 'no progress output')
    .action(
      async (
        dir: string,
        file: string,
        opts: { json?: boolean; quiet?: boolean },
        cmd: Command,
      ) => {
        const { exportBundle } = await repository();
        const p = await exportProgress(Boolean(opts.quiet || opts.json));
        const r = await exportBundle(
          dir,
          file,
          p.onProgress ? { onProgress: p.onProgress } : {},
        ).finally(p.stop);
        const { out } = io(cmd);
        if (opts.json) return out(JSON.stringify({ file, ...r }));
        out(`Exported ${r.cars} CAR(s) and metadata to ${file}`);
      },
    );

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
