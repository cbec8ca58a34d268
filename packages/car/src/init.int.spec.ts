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
      'driver.yaml',
      'package.json',
      'resources',
      'resources/messages',
      'resources/messages/en.json',
      'src',
      'src/index.spec.ts',
      'src/index.ts',
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
    expect(stub).toContain('"storage.primary": {');
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

  it('scaffolds a typed stub that compiles against @chassis/kernel and packs', async () => {
    const dir = path.join(tmp.dir, 'kvm');
    await initDriverProject(dir, { id: 'com.example.kvm', category: 'hypervisor' });
    // Stand in for `pnpm install`: link the workspace kernel (built) into the scaffold.
    const kernel = path.dirname(
      createRequire(import.meta.url).resolve('@chassis/kernel/package.json'),
    );
    mkdirSync(path.join(dir, 'node_modules/@chassis'), { recursive: true });
    symlinkSync(kernel, path.join(dir, 'node_modules/@chassis/kernel'));
    const tsc = createRequire(path.join(here, '../../../package.json')).resolve(
      'typescript/bin/tsc',
    );
    execFileSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], { stdio: 'pipe' });
    const packed = await packCar(dir);
    const car = await verifyCar(packed.file);
    expect(car.entries.map((e) => e.path)).toContain('classes/index.js');
    const mod = (await import(path.join(dir, 'classes/index.js'))) as {
      default: { provides: Record<string, Record<string, unknown>> };
    };
    expect(Object.keys(mod.default.provides.hypervisor)).toEqual([
      'discoverHosts',
      'startVm',
      'stopVm',
    ]);
  }, 60_000);
});
