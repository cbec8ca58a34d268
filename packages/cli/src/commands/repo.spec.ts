import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestFor, writeCar } from '@chassis/car';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../__fixtures__/run.js';
import { ExitCode } from '../run.js';

let dir: string;

async function car(id: string, version: string, category = 'storage'): Promise<string> {
  const files = new Map<string, Buffer>([
    [
      'driver.yaml',
      Buffer.from(
        `id: ${id}\nname: ${id} driver\nversion: ${version}\nvendor: Example Inc.\nlicense: Apache-2.0\ncategory: ${category}\nentry: classes/index.js\nengines: { chassis: "^1.0.0" }\nprovides:\n  - point: storage.primary\n    version: "^1.0.0"\n`,
      ),
    ],
    ['LICENSE', Buffer.from('Apache-2.0\n')],
    ['classes/index.js', Buffer.from('export default {};\n')],
    ['resources/messages/en.json', Buffer.from('{}\n')],
  ]);
  const out = join(dir, `${id}-${version}.car`);
  await writeCar(
    new Map([['META-INF/MANIFEST.MF', manifestFor(id, version, files)], ...files]),
    out,
  );
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chassis-cli-repo-'));
  process.env.CHASSIS_CACHE_DIR = join(dir, 'cache');
});
afterAll(async () => {
  delete process.env.CHASSIS_CACHE_DIR;
  await rm(dir, { recursive: true, force: true });
});

describe('chassis repo', () => {
  it('init, add, search, info, mirror, mirror-verify, export, import', async () => {
    const repo = join(dir, 'repo');
    const keys = join(dir, 'keys');
    const root = join(repo, '1.root.json');
    expect((await run('repo', 'init', repo, '--keys', keys)).code).toBe(ExitCode.ok);

    const add = await run(
      'repo',
      'add',
      repo,
      await car('com.example.solidfire', '2.1.0'),
      await car('com.example.solidfire', '2.2.0'),
      await car('com.example.nvp', '1.0.0', 'network'),
      '--keys',
      keys,
    );
    expect(add.code).toBe(ExitCode.ok);
    expect(add.out).toContain('published com.example.solidfire@2.2.0');

    const search = await run(
      'repo',
      'search',
      'solidfire',
      '--repo',
      repo,
      '--root',
      root,
      '--json',
    );
    expect(search.code).toBe(ExitCode.ok);
    expect(JSON.parse(search.out).map((d: { version: string }) => d.version)).toEqual([
      '2.1.0',
      '2.2.0',
    ]);
    const table = await run('repo', 'search', '--repo', repo, '--root', root);
    expect(table.out).toMatch(/com\.example\.nvp\s+1\.0\.0\s+network/);

    const info = await run('repo', 'info', 'com.example.nvp', '--repo', repo, '--root', root);
    expect(info.out).toContain('unsigned');
    const missing = await run('repo', 'info', 'x.y', '--repo', repo, '--root', root);
    expect(missing.code).toBe(ExitCode.failed);
    expect(missing.err).toContain('CHASSIS_E_REPO_DRIVER_NOT_FOUND');

    const mirror = join(dir, 'mirror');
    const m = await run('repo', 'mirror', repo, mirror, '--root', root);
    expect(m.code).toBe(ExitCode.ok);
    expect(m.err).toContain('[3/3]');
    expect(m.out).toContain('3 copied');
    expect((await run('repo', 'mirror', repo, mirror)).out).toContain('3 already present');
    expect((await run('repo', 'mirror-verify', mirror, '--root', root)).code).toBe(ExitCode.ok);
    const verified = await run('repo', 'mirror', 'verify', mirror, '--root', root, '--json');
    expect(JSON.parse(verified.out)).toMatchObject({ drivers: 3, rootVersion: 1 });

    const bundle = join(dir, 'bundle.zip');
    expect((await run('repo', 'export', repo, bundle)).out).toContain('3 CAR(s)');
    const imported = await run(
      'repo',
      'import',
      bundle,
      join(dir, 'imported'),
      '--root',
      root,
      '--json',
    );
    expect(JSON.parse(imported.out)).toMatchObject({ drivers: 3, copied: 3 });
    expect((await run('repo', 'index', repo, '--keys', keys, '--json')).code).toBe(ExitCode.ok);
  });

  it('fails with typed codes', async () => {
    const repo = join(dir, 'r2');
    const keys = join(dir, 'k2');
    await run('repo', 'init', repo, '--keys', keys);
    const notCar = await run('repo', 'add', repo, join(repo, '1.root.json'), '--keys', keys);
    expect(notCar.code).toBe(ExitCode.failed);
    expect(notCar.err).toMatch(/^CHASSIS_E_CAR_/);
    const verify = await run(
      'repo',
      'mirror-verify',
      join(dir, 'nowhere'),
      '--root',
      join(repo, '1.root.json'),
    );
    expect(verify.err).toMatch(/^CHASSIS_E_REPO_MIRROR_INCOMPLETE/);
    const usage = await run('repo', 'search', '--repo', repo);
    expect(usage.code).toBe(ExitCode.usage);
  });

  it('repo add --ca requires a trusted signature unless the id is allowed unsigned', async () => {
    const repo = join(dir, 'r3');
    const keys = join(dir, 'k3');
    const ca = join(dir, 'ca');
    await run('repo', 'init', repo, '--keys', keys);
    expect((await run('ca', 'init', ca)).code).toBe(ExitCode.ok);
    const file = await car('com.example.unsigned', '1.0.0');
    const add = (...extra: string[]) =>
      run('repo', 'add', repo, file, '--keys', keys, '--ca', join(ca, 'ca.pem'), ...extra);
    const refused = await add();
    expect(refused.err).toMatch(/^CHASSIS_E_SIG_UNSIGNED/);
    const allowed = await add('--allow-unsigned', 'com.example.unsigned');
    expect(allowed.code).toBe(ExitCode.ok);
  });
});
