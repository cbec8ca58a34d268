import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateRoleKeys, loadRoleKeys } from './keys-store.js';

describe('role key store', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'chassis-keys-'));
    dirs.push(d);
    return d;
  };

  it('creates only the keys whose file is absent and keeps the others', async () => {
    const dir = fresh();
    await loadOrCreateRoleKeys(dir);
    const root = readFileSync(join(dir, 'root.pem'), 'utf8');
    rmSync(join(dir, 'timestamp.pem'));
    await loadOrCreateRoleKeys(dir);
    expect(readFileSync(join(dir, 'root.pem'), 'utf8')).toBe(root);
    expect(readFileSync(join(dir, 'timestamp.pem'), 'utf8')).toContain('PRIVATE KEY');
  });

  it.each([
    ['a corrupt PEM', (file: string) => writeFileSync(file, 'not a key\n')],
    [
      'an unreadable path (a folder where the file should be)',
      (file: string) => {
        rmSync(file);
        mkdirSync(file);
      },
    ],
  ])(
    'refuses %s with CHASSIS_E_REPO_KEYS_UNREADABLE and never overwrites it',
    async (_n, spoil) => {
      const dir = fresh();
      await loadOrCreateRoleKeys(dir);
      const file = join(dir, 'targets.pem');
      spoil(file);
      const before = (() => {
        try {
          return readFileSync(file, 'utf8');
        } catch {
          // A folder has no content to compare; the check below is that it is still a folder.
          return undefined;
        }
      })();
      const err = await loadOrCreateRoleKeys(dir).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CHASSIS_E_REPO_KEYS_UNREADABLE' });
      expect((err as Error).message).toContain(file);
      if (before !== undefined) expect(readFileSync(file, 'utf8')).toBe(before);
      await expect(loadRoleKeys(dir)).rejects.toMatchObject({
        code: 'CHASSIS_E_REPO_KEYS_UNREADABLE',
      });
    },
  );

  it('a missing key folder is CHASSIS_E_REPO_KEYS_NOT_FOUND for loadRoleKeys', async () => {
    await expect(loadRoleKeys(join(fresh(), 'none'))).rejects.toMatchObject({
      code: 'CHASSIS_E_REPO_KEYS_NOT_FOUND',
    });
  });
});
