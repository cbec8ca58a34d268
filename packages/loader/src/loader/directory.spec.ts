import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDriverDirectory, readMessages } from './directory.js';

describe('driver directory reads: only ENOENT means absent', () => {
  const root = mkdtempSync(join(tmpdir(), 'chassis-driver-dir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  const fresh = () => {
    const d = join(root, `d${n++}`);
    mkdirSync(d, { recursive: true });
    return d;
  };
  /** Exists but cannot be read, even by root: a symbolic link to itself (ELOOP). */
  const loop = (p: string) => symlinkSync(p, p);

  it('no messages folder means no messages; an unreadable one is a typed error', async () => {
    const dir = fresh();
    await expect(readMessages(dir)).resolves.toEqual({});
    mkdirSync(join(dir, 'resources'));
    loop(join(dir, 'resources', 'messages'));
    await expect(readMessages(dir)).rejects.toMatchObject({
      code: 'CHASSIS_E_LOADER_FILE_UNREADABLE',
      details: { file: join(dir, 'resources', 'messages') },
    });
  });

  it('a missing driver.yaml is ENTRY_INVALID; an unreadable one says so', async () => {
    const dir = fresh();
    await expect(readDriverDirectory(dir)).rejects.toMatchObject({
      code: 'CHASSIS_E_LOADER_ENTRY_INVALID',
    });
    loop(join(dir, 'driver.yaml'));
    await expect(readDriverDirectory(dir)).rejects.toMatchObject({
      code: 'CHASSIS_E_LOADER_FILE_UNREADABLE',
    });
  });
});
