import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../__fixtures__/fake-repo.js';
import { diffLock, verifyLock } from './diff.js';
import { createLock, parseLock, readLock, writeLock } from './lock.js';

const sha = (c: string) => c.repeat(64);
const a1 = { id: 'a', version: '1.0.0', sha256: sha('a') };
const a2 = { id: 'a', version: '2.0.0', sha256: sha('b') };
const b1 = { id: 'b', version: '1.0.0', sha256: sha('c'), source: 'https://repo.example/' };

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe('install lock', () => {
  it('writes sorted, stable JSON and reads it back', async () => {
    const file = join(dir, 'chassis.lock.json');
    await writeLock(file, createLock([b1, a2, a1]));
    const text = await readFile(file, 'utf8');
    expect(await readLock(file)).toEqual({ lockVersion: 1, drivers: [a1, a2, b1] });
    await writeLock(file, createLock([a1, b1, a2]));
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  const bad: [string, unknown][] = [
    ['not an object', 3],
    ['wrong version', { lockVersion: 2, drivers: [] }],
    ['drivers not array', { lockVersion: 1, drivers: {} }],
    ['bad digest', { lockVersion: 1, drivers: [{ ...a1, sha256: 'xyz' }] }],
    ['missing id', { lockVersion: 1, drivers: [{ version: '1.0.0', sha256: sha('a') }] }],
    ['duplicate', { lockVersion: 1, drivers: [a1, a1] }],
  ];
  it.each(bad)('refuses a malformed lock: %s', (_name, data) => {
    expect(() => parseLock(data)).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_LOCK_INVALID' }),
    );
  });

  it('refuses unreadable and non-JSON files', async () => {
    await expect(readLock(join(dir, 'none'))).rejects.toMatchObject({
      code: 'CHASSIS_E_LOCK_INVALID',
    });
    await writeFile(join(dir, 'x'), '{');
    await expect(readLock(join(dir, 'x'))).rejects.toMatchObject({
      code: 'CHASSIS_E_LOCK_INVALID',
    });
  });
});

describe('diffLock (pure)', () => {
  const lock = createLock([a1, b1]);
  const cases: [string, (typeof a1)[], { missing: number; extra: number; changed: number }][] = [
    ['same set', [b1, a1], { missing: 0, extra: 0, changed: 0 }],
    ['one missing', [a1], { missing: 1, extra: 0, changed: 0 }],
    ['one extra', [a1, b1, a2], { missing: 0, extra: 1, changed: 0 }],
    ['upgraded without updating the lock', [a2, b1], { missing: 1, extra: 1, changed: 0 }],
    [
      'same version, other build',
      [{ ...a1, sha256: sha('f') }, b1],
      { missing: 0, extra: 0, changed: 1 },
    ],
  ];
  it.each(cases)('%s', (_name, installed, counts) => {
    const d = diffLock(lock, installed);
    expect({ missing: d.missing.length, extra: d.extra.length, changed: d.changed.length }).toEqual(
      counts,
    );
    expect(d.matches).toBe(counts.missing + counts.extra + counts.changed === 0);
    if (d.matches) expect(() => verifyLock(lock, installed)).not.toThrow();
    else
      expect(() => verifyLock(lock, installed)).toThrow(
        expect.objectContaining({ code: 'CHASSIS_E_LOCK_MISMATCH' }),
      );
  });
});
