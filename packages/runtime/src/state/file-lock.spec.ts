import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
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

  it('an empty lock file (a live writer between create and write) is not broken at once', async () => {
    // What a writer leaves visible between `open(wx)` and writing its pid. Breaking it would
    // let a second writer in beside the first.
    const lock = join(dir, 'empty.lock');
    await writeFile(lock, '');
    let ran = false;
    await expect(
      withFileLock(
        lock,
        async () => {
          ran = true;
        },
        100,
      ),
    ).rejects.toMatchObject({ code: 'CHASSIS_E_STATE_IO', details: { lockFile: lock } });
    expect(ran).toBe(false);
    expect(await readFile(lock, 'utf8')).toBe('');
  });

  it('an empty lock file older than the grace period is broken', async () => {
    const lock = join(dir, 'old-empty.lock');
    await writeFile(lock, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    await expect(withFileLock(lock, async () => 'ran')).resolves.toBe('ran');
  });

  it('the lock file appears with the pid in it and leaves no temp file behind', async () => {
    const sub = join(dir, 'atomic');
    await mkdir(sub);
    const lock = join(sub, 'k.lock');
    const seen = await withFileLock(lock, () => readFile(lock, 'utf8'));
    expect(seen).toBe(String(process.pid));
    expect(await readdir(sub)).toEqual([]);
  });

  it('concurrent acquirers never overlap', async () => {
    const lock = join(dir, 'busy.lock');
    let inside = 0;
    let max = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withFileLock(lock, async () => {
          inside += 1;
          max = Math.max(max, inside);
          await new Promise((r) => setImmediate(r));
          inside -= 1;
        }),
      ),
    );
    expect(max).toBe(1);
  });

  it('acquirers racing to break one stale lock never overlap', async () => {
    // Each sees the dead pid; without one breaker at a time, a late one deletes the lock a
    // quicker one has just taken and both run.
    const lock = join(dir, 'race.lock');
    for (let round = 0; round < 20; round++) {
      await writeFile(lock, '999999999');
      let inside = 0;
      let max = 0;
      await Promise.all(
        Array.from({ length: 6 }, () =>
          withFileLock(lock, async () => {
            inside += 1;
            max = Math.max(max, inside);
            for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
            inside -= 1;
          }),
        ),
      );
      expect(max).toBe(1);
    }
  });
});
