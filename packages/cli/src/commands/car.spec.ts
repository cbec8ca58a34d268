import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCarEntries, writeCar } from '@chassis/car';
import { HOSTILE_KINDS, type HostileKind, hostileCar } from '@chassis/car/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../__fixtures__/run.js';
import { ExitCode } from '../run.js';

const root = mkdtempSync(path.join(tmpdir(), 'cli-car-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `car init` plus a stand-in for the TypeScript build, ready to pack. */
async function scaffold(name: string): Promise<string> {
  const dir = path.join(root, name);
  const r = await run('car', 'init', dir, '--id', `com.example.${name}`, '--category', 'storage');
  expect(r.code, r.err).toBe(ExitCode.ok);
  mkdirSync(path.join(dir, 'classes'));
  writeFileSync(path.join(dir, 'classes/index.js'), 'export default { provides: {} };\n');
  return dir;
}

describe('chassis car', () => {
  it('init → pack → verify → inspect', async () => {
    const dir = await scaffold('flashy');
    expect(readFileSync(path.join(dir, 'src/index.ts'), 'utf8')).toContain(
      'satisfies DriverDefinition',
    );
    const out = path.join(root, 'flashy.car');

    const packed = await run('car', 'pack', dir, '-o', out, '--json');
    expect(packed.code, packed.err).toBe(ExitCode.ok);
    expect(JSON.parse(packed.out)).toMatchObject({
      file: out,
      id: 'com.example.flashy',
      version: '0.1.0',
    });

    const verified = await run('car', 'verify', out);
    expect(verified.code).toBe(ExitCode.ok);
    expect(verified.out).toMatch(
      /^OK com\.example\.flashy@0\.1\.0: 6 files, sha256 [0-9a-f]{64}, unsigned\n$/,
    );
    expect(JSON.parse((await run('car', 'verify', out, '--json')).out)).toMatchObject({
      ok: true,
      files: 6,
    });

    const human = await run('car', 'inspect', out);
    expect(human.code).toBe(ExitCode.ok);
    expect(human.out).toContain('Flashy driver (com.example.flashy@0.1.0)');
    expect(human.out).toMatch(
      /clusterAdminPassword\s+string\s+yes\s+yes\s+-\s+Cluster admin password/,
    );
    const inspection = JSON.parse((await run('car', 'inspect', out, '--json')).out);
    expect(inspection).toMatchObject({
      driver: { id: 'com.example.flashy', category: 'storage' },
      provides: [{ point: 'storage.primary', version: '^1.0.0' }],
      signature: 'unsigned',
    });
    expect(inspection.files.map((f: { path: string }) => f.path)).toContain('classes/index.js');
  });

  it('verify fails with the typed code and the file at fault', async () => {
    const dir = await scaffold('tampered');
    const out = path.join(root, 'tampered.car');
    expect((await run('car', 'pack', dir, '-o', out)).code).toBe(ExitCode.ok);
    // Change the code after packing, keep the old MANIFEST.MF.
    const entries = await readCarEntries(out);
    entries.set('classes/index.js', Buffer.from('export default { evil: true };\n'));
    await writeCar(entries, out);
    const r = await run('car', 'verify', out);
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toMatch(/^CHASSIS_E_CAR_DIGEST_MISMATCH: .*classes\/index\.js/);
    const j = await run('car', 'verify', out, '--json');
    expect(j.code).toBe(ExitCode.failed);
    expect(JSON.parse(j.err).error.code).toBe('CHASSIS_E_CAR_DIGEST_MISMATCH');
  });

  it('verify refuses every lie of a lenient zip reader with its own code', async () => {
    const dir = await scaffold('lying');
    const out = path.join(root, 'lying.car');
    expect((await run('car', 'pack', dir, '-o', out)).code).toBe(ExitCode.ok);
    const entries = await readCarEntries(out);
    for (const [kind, code] of Object.entries(HOSTILE_KINDS)) {
      const file = path.join(root, `lying-${kind}.car`);
      writeFileSync(file, hostileCar(entries, kind as HostileKind));
      const r = await run('car', 'verify', file, '--json');
      expect(r.code, `${kind}: ${r.out}`).toBe(ExitCode.failed);
      expect(JSON.parse(r.err).error.code, kind).toBe(code);
    }
  });

  it('pack reports a broken project with its code', async () => {
    const r = await run('car', 'pack', path.join(root, 'does-not-exist'));
    expect(r.code).toBe(ExitCode.failed);
    expect(r.err).toMatch(/^CHASSIS_E_CAR_NOT_FOUND: /);
  });

  it('init refuses a bad command line (usage) and a non-empty folder (typed)', async () => {
    expect((await run('car', 'init', path.join(root, 'x'), '--id', 'com.example.x')).code).toBe(
      ExitCode.usage,
    );
    expect(
      (
        await run(
          'car',
          'init',
          path.join(root, 'y'),
          '--id',
          'com.example.y',
          '--category',
          'printer',
        )
      ).code,
    ).toBe(ExitCode.usage);
    const dir = await scaffold('twice');
    const again = await run(
      'car',
      'init',
      dir,
      '--id',
      'com.example.twice',
      '--category',
      'storage',
    );
    expect(again.code).toBe(ExitCode.failed);
    expect(again.err).toMatch(/^CHASSIS_E_CAR_INIT_EXISTS: /);
  });

  it('lists its sub-commands next to ones other areas add (car sign)', async () => {
    const r = await run('car', '--help');
    expect(r.code).toBe(ExitCode.ok);
    for (const sub of ['pack', 'inspect', 'verify', 'init', 'sign']) expect(r.out).toContain(sub);
  });
});
