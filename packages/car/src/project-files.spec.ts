import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTree } from './project-files.js';
import { readCar } from './read.js';

describe('project and CAR reads: only ENOENT means absent', () => {
  const root = mkdtempSync(join(tmpdir(), 'chassis-project-files-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a dangling link is skipped, an unreadable file is never silently left out of a pack', async () => {
    const dir = join(root, 'project');
    mkdirSync(join(dir, 'classes'), { recursive: true });
    writeFileSync(join(dir, 'classes', 'index.js'), 'export {};\n');
    symlinkSync(join(dir, 'gone.js'), join(dir, 'classes', 'dangling.js'));
    expect([...(await readTree(join(dir, 'classes'), 'classes/')).keys()]).toEqual([
      'classes/index.js',
    ]);
    // A link to itself exists but cannot be read, even by root (ELOOP).
    symlinkSync(join(dir, 'classes', 'loop.js'), join(dir, 'classes', 'loop.js'));
    await expect(readTree(join(dir, 'classes'), 'classes/')).rejects.toMatchObject({
      code: 'CHASSIS_E_CAR_FILE_UNREADABLE',
      details: { file: join(dir, 'classes', 'loop.js') },
    });
  });

  it('a CAR that cannot be read is not reported as missing', async () => {
    await expect(readCar(join(root, 'missing.car'))).rejects.toMatchObject({
      code: 'CHASSIS_E_CAR_NOT_FOUND',
    });
    symlinkSync(join(root, 'loop.car'), join(root, 'loop.car'));
    await expect(readCar(join(root, 'loop.car'))).rejects.toMatchObject({
      code: 'CHASSIS_E_CAR_FILE_UNREADABLE',
    });
  });
});
