import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './__fixtures__/driver-project.js';
import { parseDescriptor } from './descriptor.js';
import { initDriverProject } from './init.js';
import { packCar } from './pack.js';
import { verifyCar } from './read.js';

const tmp = tempDir('car-init-');
afterAll(() => tmp.cleanup());
const here = path.dirname(fileURLToPath(import.meta.url));

describe('initDriverProject', () => {
  it('scaffolds a project whose descriptor is valid and covered by its messages', async () => {
    const dir = path.join(tmp.dir, 'flashy');
    await initDriverProject(dir, {
      id: 'com.example.flashy',
      category: 'storage',
      vendor: 'Flashy Inc.',
    });
    expect(readdirSync(dir, { recursive: true }).map(String).sort()).toEqual([
      '.gitignore',
      'LICENSE',
      'README.md',
      'dev.properties.json',
      'driver.yaml',
      'package.json',
      'resources',
      'resources/messages',
      'resources/messages/en.json',
      'resources/messages/fr.json',
      'src',
      'src/index.spec.ts',
      'src/index.ts',
      'src/properties.ts',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
    const d = parseDescriptor(readFileSync(path.join(dir, 'driver.yaml'), 'utf8'));
    expect(d).toMatchObject({
      id: 'com.example.flashy',
      name: 'Flashy driver',
      vendor: 'Flashy Inc.',
      category: 'storage',
      provides: [{ point: 'storage.primary', version: '^1.0.0' }],
    });
    const stub = readFileSync(path.join(dir, 'src/index.ts'), 'utf8');
    expect(stub).toContain('"storage.primary": impl');
    expect(stub).toContain('satisfies PrimaryStorageDriver<Properties>');
    expect(stub).toContain('satisfies DriverDefinition');
    // A build (simulated) makes it packable.
    mkdirSync(path.join(dir, 'classes'));
    writeFileSync(path.join(dir, 'classes/index.js'), 'export default { provides: {} };\n');
    const packed = await packCar(dir);
    expect((await verifyCar(packed.file)).descriptor.id).toBe('com.example.flashy');
  });

  it('uses the chosen extension point', async () => {
    const dir = path.join(tmp.dir, 'edge');
    await initDriverProject(dir, {
      id: 'com.example.edge',
      category: 'network',
      point: 'network.edge',
    });
    expect(
      parseDescriptor(readFileSync(path.join(dir, 'driver.yaml'), 'utf8')).provides[0].point,
    ).toBe('network.edge');
  });

  it('refuses a non-empty folder and an invalid id', async () => {
    const busy = path.join(tmp.dir, 'busy');
    mkdirSync(busy);
    writeFileSync(path.join(busy, 'x'), '');
    await expect(
      initDriverProject(busy, { id: 'com.example.busy', category: 'hypervisor' }),
    ).rejects.toMatchObject({
      code: 'CHASSIS_E_CAR_INIT_EXISTS',
    });
    await expect(
      initDriverProject(path.join(tmp.dir, 'bad'), { id: 'Not An Id', category: 'storage' }),
    ).rejects.toMatchObject({ code: 'CHASSIS_E_CAR_DESCRIPTOR_INVALID' });
    expect(readdirSync(tmp.dir)).not.toContain('bad');
  });

  it.each([
    ['network', 'com.example.nvp', 'network.device', 9, '@chassis/network'],
    ['storage', 'com.example.flash', 'storage.primary', 12, '@chassis/storage'],
    ['hypervisor', 'com.example.kvm', 'hypervisor', 8, '@chassis/hypervisor'],
  ] as const)(
    'scaffolds every %s operation typed after its contract; sources and specs type-check, the test passes, it packs',
    async (category, id, point, count, contract) => {
      const dir = path.join(tmp.dir, category);
      await initDriverProject(dir, { id, category });
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      expect(Object.keys(pkg.devDependencies)).toEqual(
        expect.arrayContaining(['@chassis/cli', '@chassis/kernel', contract]),
      );
      expect(pkg.scripts.pack).toMatch(/^tsc -p tsconfig.build.json && chassis car pack /);
      const d = parseDescriptor(readFileSync(path.join(dir, 'driver.yaml'), 'utf8'));
      for (const locale of ['en', 'fr']) {
        const msgs = JSON.parse(
          readFileSync(path.join(dir, `resources/messages/${locale}.json`), 'utf8'),
        );
        for (const p of d.properties ?? [])
          expect(msgs[p.labelKey], `${locale} ${p.key}`).toBeTruthy();
      }
      // Stand in for `npm install`: link the workspace packages (built) and vitest.
      const req = createRequire(import.meta.url);
      const rootReq = createRequire(path.join(here, '../../../package.json'));
      mkdirSync(path.join(dir, 'node_modules/@chassis'), { recursive: true });
      for (const name of ['@chassis/kernel', contract]) {
        const at = path.dirname(req.resolve(`${name}/package.json`));
        symlinkSync(at, path.join(dir, 'node_modules', name));
      }
      symlinkSync(
        path.dirname(rootReq.resolve('vitest/package.json')),
        path.join(dir, 'node_modules/vitest'),
      );
      const tsc = rootReq.resolve('typescript/bin/tsc');
      // Type-checks the specs too (the scaffold used to exclude them).
      execFileSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], {
        stdio: 'pipe',
      });
      const vitest = path.join(path.dirname(rootReq.resolve('vitest/package.json')), 'vitest.mjs');
      const out = execFileSync(process.execPath, [vitest, 'run', '--root', dir], {
        stdio: 'pipe',
        cwd: dir,
      }).toString();
      expect(out).toMatch(/2 passed/);
      execFileSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.build.json')], {
        stdio: 'pipe',
      });
      const packed = await packCar(dir);
      const car = await verifyCar(packed.file);
      expect(car.entries.map((e) => e.path)).toContain('classes/index.js');
      expect(car.entries.map((e) => e.path)).not.toContain('classes/index.spec.js');
      const mod = (await import(path.join(dir, 'classes/index.js'))) as {
        default: { provides: Record<string, Record<string, unknown>> };
      };
      expect(Object.keys(mod.default.provides[point])).toHaveLength(count);
    },
    120_000,
  );
});
