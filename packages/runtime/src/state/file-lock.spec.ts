import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFileLock } from './file-lock.js';

describe('state lock file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chassis-file-lock-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('breaks a lock whose holder is dead', async () => {
    const lock = join(dir, 'stale.lock');
    await writeFile(lock, '999999999');
    await expect(withFileLock(lock, async () => 'ran')).resolves.toBe('ran');
  });

  it('a lock it cannot read is a typed error, never taken for "no owner"', async () => {
    // A folder where the lock file should be: it exists, and reading it fails (EISDIR).
    const lock = join(dir, 'odd.lock');
    await mkdir(lock);
    let ran = false;
    await expect(
      withFileLock(lock, async () => {
        ran = true;
      }),
    ).rejects.toMatchObject({ code: 'CHASSIS_E_STATE_IO', details: { lockFile: lock } });
    expect(ran).toBe(false);
  });
});
