import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PublicPackage,
  packPackage,
  publicPackages,
  tarballEntries,
  tarballManifest,
} from './support/pack.js';

/**
 * Black-box: every public `@chassis/*` package packs (as a release packs it) into a tarball that
 * installs in a project with no workspace. The install half reaches the configured npm registry
 * for third-party dependencies, so it runs only with `CHASSIS_TEST_INSTALL=1`.
 */

const run = promisify(execFile);

interface Packed {
  readonly pkg: PublicPackage;
  readonly tarball: string;
  readonly entries: readonly string[];
  readonly manifest: Record<string, unknown>;
}

/** Every file an `exports` / `bin` entry points at, as a tarball entry (`package/dist/...`). */
function targets(manifest: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string') out.push(`package/${v.replace(/^\.\//, '')}`);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) add(x);
  };
  add(manifest.exports);
  add(manifest.bin);
  return out;
}

let dir: string;
let packed: Packed[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chassis-pack-'));
  const pkgs = await publicPackages();
  packed = [];
  for (const pkg of pkgs) {
    const tarball = await packPackage(pkg, dir);
    packed.push({
      pkg,
      tarball,
      entries: await tarballEntries(tarball),
      manifest: await tarballManifest(tarball),
    });
  }
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('packed packages', () => {
  it('packs every public package', () => {
    expect(packed.map((p) => p.pkg.name)).toEqual([
      '@chassis/admin',
      '@chassis/car',
      '@chassis/cli',
      '@chassis/cluster',
      '@chassis/hypervisor',
      '@chassis/kernel',
      '@chassis/loader',
      '@chassis/network',
      '@chassis/repository',
      '@chassis/runtime',
      '@chassis/server',
      '@chassis/state-postgres',
      '@chassis/storage',
    ]);
  });

  it('ships README, CHANGELOG and every file its exports and bin name', () => {
    for (const p of packed) {
      const missing = ['package/README.md', 'package/CHANGELOG.md', ...targets(p.manifest)].filter(
        (f) => !p.entries.includes(f),
      );
      expect({ pkg: p.pkg.name, missing }).toEqual({ pkg: p.pkg.name, missing: [] });
    }
  });

  it('declares types for every code export, and no source or test file is shipped', () => {
    for (const p of packed) {
      const exports = p.manifest.exports as Record<string, unknown>;
      for (const [sub, target] of Object.entries(exports)) {
        if (typeof target === 'string') {
          expect(target, `${p.pkg.name} ${sub}`).toMatch(/\.json$/);
          continue;
        }
        expect((target as Record<string, string>).types, `${p.pkg.name} ${sub}`).toMatch(
          /\.d\.ts$/,
        );
      }
      const stray = p.entries.filter((e) => /^package\/src\/|\.spec\.(js|d\.ts)$/.test(e));
      expect({ pkg: p.pkg.name, stray }).toEqual({ pkg: p.pkg.name, stray: [] });
    }
  });

  it('leaves no workspace: range and carries engines, license and repository', () => {
    for (const p of packed) {
      const m = p.manifest;
      expect(JSON.stringify(m), p.pkg.name).not.toContain('workspace:');
      expect(m.engines, p.pkg.name).toEqual({ node: '>=20.17' });
      expect(m.license, p.pkg.name).toBe('Apache-2.0');
      expect((m.repository as { directory?: string }).directory, p.pkg.name).toBe(
        `packages/${p.pkg.dir.split(/[\\/]/).pop()}`,
      );
    }
  });

  it('keeps @aws-sdk/client-s3 an optional peer, never a dependency', () => {
    for (const p of packed) {
      const deps = (p.manifest.dependencies ?? {}) as Record<string, string>;
      expect(Object.keys(deps), p.pkg.name).not.toContain('@aws-sdk/client-s3');
    }
    for (const name of ['@chassis/loader', '@chassis/repository']) {
      const m = packed.find((p) => p.pkg.name === name)!.manifest;
      expect(m.peerDependenciesMeta).toEqual({ '@aws-sdk/client-s3': { optional: true } });
    }
  });
});

describe.runIf(process.env.CHASSIS_TEST_INSTALL === '1')('installed outside the workspace', () => {
  let project: string;

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'chassis-install-'));
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'outside', version: '1.0.0', private: true, type: 'module' }),
    );
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packed.map((p) => p.tarball)],
      { cwd: project, timeout: 240_000, maxBuffer: 32 * 1024 * 1024 },
    );
  }, 300_000);

  afterAll(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('imports every package and runs the chassis and chassis-server binaries', async () => {
    const names = packed.map((p) => p.pkg.name);
    const script = `for (const n of ${JSON.stringify(names)}) await import(n); console.log('ok');`;
    const { stdout } = await run('node', ['--input-type=module', '-e', script], { cwd: project });
    expect(stdout.trim()).toBe('ok');
    const help = await run(join(project, 'node_modules/.bin/chassis'), ['--help'], {
      cwd: project,
    });
    expect(help.stdout).toContain('car');
    const server = await run(join(project, 'node_modules/.bin/chassis-server'), ['--help'], {
      cwd: project,
    });
    expect(server.stdout).toContain('--config');
  });

  it('does not install @aws-sdk/client-s3, and an s3:// source says what to install', async () => {
    await expect(stat(join(project, 'node_modules/@aws-sdk/client-s3'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    const script = `
      const { S3Source } = await import('@chassis/loader');
      try { await new S3Source('s3://bucket/cars/').list(); console.log('listed'); }
      catch (e) { console.log(e.code); }`;
    const { stdout } = await run('node', ['--input-type=module', '-e', script], { cwd: project });
    expect(stdout.trim()).toBe('CHASSIS_E_LOADER_S3_SDK_MISSING');
  });
});
