import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The workspace root (this file is `test/support/pack.ts`). */
export const WORKSPACE = fileURLToPath(new URL('../../', import.meta.url));

/** A public workspace package: its folder and its `package.json`. */
export interface PublicPackage {
  readonly dir: string;
  readonly name: string;
  readonly manifest: Record<string, unknown>;
}

/** Every non-private package under `packages/`, sorted by name. */
export async function publicPackages(): Promise<PublicPackage[]> {
  const root = join(WORKSPACE, 'packages');
  const out: PublicPackage[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    if (manifest.private === true) continue;
    out.push({ dir, name: String(manifest.name), manifest });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * `pnpm pack` of one package into `destDir`, as a release would (pnpm rewrites `workspace:`
 * ranges to the real versions). Returns the tarball's path.
 */
export async function packPackage(pkg: PublicPackage, destDir: string): Promise<string> {
  const { stdout } = await run('pnpm', ['pack', '--pack-destination', destDir], {
    cwd: pkg.dir,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.trim().endsWith('.tgz'));
  if (!line) throw new Error(`pnpm pack of ${pkg.name} printed no tarball:\n${stdout}`);
  const file = line.trim();
  return file.startsWith('/') ? file : join(destDir, file);
}

/** The entries (`package/...`) of a tarball. */
export async function tarballEntries(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.split('\n').filter((l) => l !== '');
}

/** The `package.json` inside a tarball, as npm will install it. */
export async function tarballManifest(tarball: string): Promise<Record<string, unknown>> {
  const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json'], {
    maxBuffer: 4 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}
