import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statIfPresent } from './stat-present.js';

describe('statIfPresent: only ENOENT/ENOTDIR mean absent', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chassis-stat-present-'));
    await writeFile(join(dir, 'file'), 'x');
    // A self-referencing symlink: stat fails with ELOOP even as root (permissions would not).
    await symlink('loop', join(dir, 'loop'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['a missing file', 'nope'],
    ['a path through a regular file (ENOTDIR)', 'file/child'],
  ])('%s is absent', async (_, name) => {
    await expect(statIfPresent(join(dir, name))).resolves.toBeUndefined();
  });

  it('a present file is stat-ed', async () => {
    expect((await statIfPresent(join(dir, 'file')))?.size).toBe(1);
  });

  it('a file that cannot be checked (ELOOP) is CHASSIS_E_REPO_STATE_UNREADABLE naming it', async () => {
    const file = join(dir, 'loop');
    await expect(statIfPresent(file)).rejects.toMatchObject({
      code: 'CHASSIS_E_REPO_STATE_UNREADABLE',
      details: { file },
    });
  });
});
