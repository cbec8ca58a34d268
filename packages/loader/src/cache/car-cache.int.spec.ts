import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packCar, readCarEntries } from '@chassis/car';
import { HOSTILE_KINDS, type HostileKind, hostileCar } from '@chassis/car/testing';
import { ChassisError } from '@chassis/kernel';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { ECHO_DRIVER, tempRoot, writeDriver } from '../__fixtures__/make-driver.js';
import { DriverLoader } from '../loader/driver-loader.js';
import { createSource } from '../sources/create-source.js';
import { CarCache, sha256File } from './car-cache.js';

describe('CarCache', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let carA: string;
  let carB: string;

  beforeAll(async () => {
    root = await tempRoot();
    const a = await writeDriver(join(root.dir, 'src'), {
      id: 'com.example.cached',
      code: `import tiny from 'tiny';\nexport default { provides: { 'test.echo': { v() { return tiny.VERSION; } } } };`,
      files: {
        'lib/tiny/package.json': '{"name":"tiny","version":"1.2.3","main":"index.js"}',
        'lib/tiny/index.js': "module.exports = { VERSION: '1.2.3' };",
      },
    });
    carA = (await packCar(a, { out: join(root.dir, 'cars', 'a.car') })).file;
    const b = await writeDriver(join(root.dir, 'src'), {
      id: 'com.example.other',
      code: ECHO_DRIVER,
    });
    carB = (await packCar(b, { out: join(root.dir, 'cars', 'b.car') })).file;
  });
  afterAll(() => root.cleanup());

  it.each<{ name: string; tamper: (dir: string) => Promise<void> }>([
    {
      name: 'code appended to the entry',
      tamper: (d) =>
        writeFile(join(d, 'classes', 'index.js'), "\nglobalThis.owned = 'yes';\n", { flag: 'a' }),
    },
    { name: 'an extra module', tamper: (d) => writeFile(join(d, 'classes', 'evil.js'), 'x') },
    {
      name: 'a dependency changed',
      tamper: (d) =>
        writeFile(join(d, 'lib', 'tiny', 'index.js'), "module.exports = { VERSION: '6.6.6' };"),
    },
  ])(
    'refuses a tampered extraction ($name) with CHASSIS_E_LOADER_CACHE_TAMPERED, logs it and re-extracts',
    async ({ tamper }) => {
      const cacheDir = join(root.dir, `cache-t-${Math.random().toString(36).slice(2)}`);
      const logger = captureLogger();
      const { lines } = logger;
      const cache = new CarCache(cacheDir, {}, logger);
      const first = await cache.ensure(carA);
      const entry = join(first.dir, 'classes', 'index.js');
      const pristine = await readFile(entry, 'utf8');
      await tamper(first.dir);
      const again = await cache.ensure(carA);
      expect(again.dir).toBe(first.dir);
      const logged = lines.find((l) => l.msg === 'tampered CAR extraction refused');
      expect((logged?.fields.err as { code?: string } | undefined)?.code).toBe(
        'CHASSIS_E_LOADER_CACHE_TAMPERED',
      );
      expect(await readFile(entry, 'utf8')).toBe(pristine);
      expect(await readdir(join(again.dir, 'classes'))).toEqual(['index.js']);
      const tiny = await readFile(join(again.dir, 'lib', 'tiny', 'index.js'), 'utf8');
      expect(tiny).toContain('1.2.3');
      // Untouched: reused without a log line.
      lines.length = 0;
      await cache.ensure(carA);
      expect(lines).toEqual([]);
    },
  );

  it('extracts once into <dir>/<sha256>/ with node_modules → lib, and reuses it after a restart', async () => {
    const cacheDir = join(root.dir, 'cache1');
    const first = await new CarCache(cacheDir).ensure(carA);
    expect(first.sha256).toBe(await sha256File(carA));
    expect(first.dir).toBe(join(cacheDir, first.sha256));
    expect(first.archive.descriptor.id).toBe('com.example.cached');
    expect(await readlink(join(first.dir, 'node_modules'))).toBe('lib');
    // The same inode after the second ensure: the directory is reused, not re-extracted.
    const before = (await lstat(join(first.dir, 'classes', 'index.js'))).ino;
    const again = await new CarCache(cacheDir).ensure(carA);
    expect(again.dir).toBe(first.dir);
    expect((await lstat(join(again.dir, 'classes', 'index.js'))).ino).toBe(before);
    expect((await readdir(cacheDir)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('deduplicates concurrent ensure() calls for the same CAR', async () => {
    const cache = new CarCache(join(root.dir, 'cache2'));
    const [x, y] = await Promise.all([cache.ensure(carA), cache.ensure(carA)]);
    expect(x.dir).toBe(y.dir);
    expect(await readdir(join(root.dir, 'cache2'))).toEqual([x.sha256]);
  });

  it('leaves nothing behind when the CAR is corrupt', async () => {
    const bad = join(root.dir, 'cars', 'bad.car');
    const bytes = await readFile(carA);
    await writeFile(bad, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const cacheDir = join(root.dir, 'cache3');
    const err = await new CarCache(cacheDir).ensure(bad).catch((e) => e);
    expect(ChassisError.is(err)).toBe(true);
    expect(await readdir(cacheDir).catch(() => [])).toEqual([]);
  });

  it('gc removes unreferenced digests and leftover temporary directories', async () => {
    const cacheDir = join(root.dir, 'cache4');
    const cache = new CarCache(cacheDir);
    const a = await cache.ensure(carA);
    const b = await cache.ensure(carB);
    await mkdir(join(cacheDir, `.tmp-${'0'.repeat(64)}-dead`));
    await mkdir(join(cacheDir, 'not-ours'));
    const removed = await cache.gc(new Set([a.sha256]));
    expect(removed.sort()).toEqual([`.tmp-${'0'.repeat(64)}-dead`, b.sha256].sort());
    expect((await readdir(cacheDir)).sort()).toEqual([a.sha256, 'not-ours'].sort());
    expect((await lstat(a.dir)).isDirectory()).toBe(true);
  });

  it('a folder scan refuses each lie of a lenient zip reader with its own code, before spawning anything', async () => {
    const folder = join(root.dir, 'hostile-folder');
    await mkdir(folder, { recursive: true });
    const files = await readCarEntries(carB);
    const kinds = Object.keys(HOSTILE_KINDS) as HostileKind[];
    for (const kind of kinds) await writeFile(join(folder, `${kind}.car`), hostileCar(files, kind));
    const source = createSource(pathToFileURL(folder).href);
    const refs = await source.list();
    expect(refs.map((r) => r.name).sort()).toEqual(kinds.map((k) => `${k}.car`).sort());
    const cacheDir = join(root.dir, 'cache-hostile');
    const cache = new CarCache(cacheDir);
    const loader = new DriverLoader({ kernelContainer: new Container(), defaultTier: 'worker' });
    const incoming = join(root.dir, 'incoming-hostile');
    await mkdir(incoming, { recursive: true });
    for (const ref of refs) {
      const file = join(incoming, ref.name);
      await source.download(ref, file);
      const err = await loader.loadCar(file, cache).then(
        (l) => l.handle.dispose().then(() => 'loaded'),
        (e: unknown) => e,
      );
      expect(ChassisError.is(err) ? err.code : String(err), ref.name).toBe(
        HOSTILE_KINDS[ref.name.replace(/\.car$/, '') as HostileKind],
      );
    }
    expect(await readdir(cacheDir).catch(() => [])).toEqual([]);
  });

  it('DriverLoader.loadCar runs a cached CAR with its bundled lib/', async () => {
    const loader = new DriverLoader({ kernelContainer: new Container(), defaultTier: 'worker' });
    const l = await loader.loadCar(carA, new CarCache(join(root.dir, 'cache5')));
    try {
      expect(l.sha256).toBe(await sha256File(carA));
      const ctx = {
        properties: {},
        resource: { id: 'r', kind: 'k', category: 'storage', driverId: 'x' },
      };
      expect(await l.handle.invoke('test.echo', 'v', ctx, [])).toBe('1.2.3');
    } finally {
      await l.handle.dispose();
    }
  });
});
