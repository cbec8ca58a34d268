import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caPath } from '../ca/files.js';
import { initCa } from '../ca/init.js';
import { latestRootVersion } from './state.js';

describe('repository state reads: only ENOENT means absent', () => {
  const root = mkdtempSync(join(tmpdir(), 'chassis-repo-state-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  /** A path that exists but cannot be read, even by root: a symbolic link to itself (ELOOP). */
  const loop = (name: string) => {
    const p = join(root, name);
    symlinkSync(p, p);
    return p;
  };

  it('a missing repository folder has no root (0)', async () => {
    await expect(latestRootVersion(join(root, 'nope'))).resolves.toBe(0);
  });

  it('an unreadable repository folder is CHASSIS_E_REPO_STATE_UNREADABLE, not "no repository"', async () => {
    // Taken for 0, `repo init` would write a new 1.root.json over the real repository.
    await expect(latestRootVersion(loop('repo-loop'))).rejects.toMatchObject({
      code: 'CHASSIS_E_REPO_STATE_UNREADABLE',
      details: { dir: join(root, 'repo-loop') },
    });
  });

  it('a CA file that cannot be checked is not taken for absent (nothing is overwritten)', async () => {
    const dir = join(root, 'ca');
    mkdirSync(dir);
    symlinkSync(caPath(dir, 'key'), caPath(dir, 'key'));
    await expect(initCa(dir)).rejects.toMatchObject({
      code: 'CHASSIS_E_REPO_STATE_UNREADABLE',
    });
  });
});
