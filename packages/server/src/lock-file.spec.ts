import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { createLock } from '@chassis/repository';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockWriter, loadLockCheck, verifyClusterLock } from './lock-file.js';

const sha = (c: string) => c.repeat(64);
const SF_1 = { id: 'com.example.solidfire', version: '1.0.0', sha256: sha('a') };
const SF_11 = { id: 'com.example.solidfire', version: '1.1.0', sha256: sha('b') };
const NVP = { id: 'com.example.nvp', version: '1.0.0', sha256: sha('c') };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chassis-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    return ChassisError.is(err) ? err.code : `not a ChassisError: ${String(err)}`;
  }
  return undefined;
}

describe('LockWriter', () => {
  it('writes nothing before enable(), then the latest set, sorted, after every update', async () => {
    const file = join(dir, 'chassis.lock');
    const lock = new LockWriter(file);
    await lock.update([SF_1]);
    expect(await exists(file)).toBe(false);

    await lock.enable([SF_1, NVP]);
    const first = JSON.parse(await readFile(file, 'utf8'));
    expect(first).toEqual({ lockVersion: 1, drivers: [NVP, SF_1] });

    // Updates in quick succession: the file ends with the last one.
    void lock.update([SF_1]);
    void lock.update([SF_1, SF_11]);
    await lock.flushed();
    expect(JSON.parse(await readFile(file, 'utf8')).drivers).toEqual([SF_1, SF_11]);
  });

  it('keeps writing after a failed write', async () => {
    // A file where the lock's folder should be makes the write fail.
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, '');
    const file = join(blocker, 'chassis.lock');
    const lock = new LockWriter(file);
    await expect(lock.enable([SF_1])).rejects.toThrow();
    await rm(blocker);
    await lock.update([SF_1, SF_11]);
    expect(JSON.parse(await readFile(file, 'utf8')).drivers).toEqual([SF_1, SF_11]);
  });
});

describe('loadLockCheck', () => {
  it.each([
    ['the same set', [NVP, SF_1], undefined],
    ['a version missing', [NVP], 'CHASSIS_E_LOCK_MISMATCH'],
    ['a version not locked', [NVP, SF_1, SF_11], 'CHASSIS_E_LOCK_MISMATCH'],
    ['another digest', [NVP, { ...SF_1, sha256: sha('d') }], 'CHASSIS_E_LOCK_MISMATCH'],
  ])('%s → %s', async (_what, installed, code) => {
    const file = join(dir, 'chassis.lock');
    await new LockWriter(file).enable([SF_1, NVP]);
    const { check } = await loadLockCheck(file);
    expect(await codeOf(() => check(installed))).toBe(code);
  });

  it.each([
    ['a missing file', undefined],
    ['not JSON', 'lockVersion: 1'],
    ['a bad digest', JSON.stringify({ lockVersion: 1, drivers: [{ ...SF_1, sha256: 'x' }] })],
  ])('refuses %s with CHASSIS_E_LOCK_INVALID', async (_what, text) => {
    const file = join(dir, 'given.lock');
    if (text !== undefined) await writeFile(file, text);
    expect(await codeOf(() => loadLockCheck(file))).toBe('CHASSIS_E_LOCK_INVALID');
  });
});

describe('verifyClusterLock', () => {
  const lock = createLock([SF_1, NVP]);
  it.each([
    ['both match', [NVP, SF_1], [SF_1, NVP], undefined],
    ['the cluster has a version more', [NVP, SF_1, SF_11], [NVP, SF_1, SF_11], 'cluster'],
    ['the cluster lacks one (the member too)', [NVP], [NVP], 'cluster'],
    ['the cluster matches, the member does not run one', [NVP, SF_1], [NVP], 'member'],
    [
      'the cluster matches, the member runs another build',
      [NVP, SF_1],
      [NVP, { ...SF_1, sha256: sha('d') }],
      'member',
    ],
  ])('%s → %s', (_what, shared, local, scope) => {
    let err: unknown;
    try {
      verifyClusterLock(lock, shared, local, 'm1');
    } catch (e) {
      err = e;
    }
    if (!scope) return expect(err).toBeUndefined();
    expect(ChassisError.is(err, 'CHASSIS_E_LOCK_MISMATCH')).toBe(true);
    expect((err as ChassisError).details).toMatchObject({ scope, member: 'm1' });
  });
});
