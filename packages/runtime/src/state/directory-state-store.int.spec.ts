import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { updateState } from '@chassis/kernel';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectoryStateStore } from './directory-state-store.js';

interface Counter {
  n: number;
  /** Grows with n so that a torn write would show as a mismatch. */
  payload: string;
}

// The writer imports the built store: this is what a real server process runs. It lives in a
// temp dir (never in src/), so both imports are absolute file URLs.
const KERNEL = pathToFileURL(createRequire(import.meta.url).resolve('@chassis/kernel')).href;
const WRITER = `
import { updateState } from ${JSON.stringify(KERNEL)};
import { DirectoryStateStore } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../dist/index.js')).href)};
const store = new DirectoryStateStore(process.argv[2]);
const bump = () => updateState(store, 'counter', (c) => ({ n: (c?.n ?? 0) + 1, payload: 'x'.repeat(((c?.n ?? 0) + 1) % 5000) }));
// One write before "ready", so every round is killed while the record already exists.
await bump();
process.send?.('ready');
for (;;) await bump();
`;

describe('DirectoryStateStore survives kill -9 at any point', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('every record stays whole and writable after repeated SIGKILLs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chassis-kill-'));
    dirs.push(dir);
    const script = join(dir, 'kill-writer.mjs');
    await writeFile(script, WRITER);
    try {
      let last = 0;
      for (let round = 0; round < 6; round++) {
        const child = fork(script, [join(dir, 'store')], { stdio: 'ignore' });
        await new Promise<void>((resolve, reject) => {
          child.once('message', () => resolve());
          child.once('error', reject);
        });
        await sleep(20 + Math.floor(Math.random() * 60));
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        const store = new DirectoryStateStore(join(dir, 'store'));
        const rec = await store.get<Counter>('counter');
        expect(rec).toBeDefined();
        expect(rec!.value.payload.length).toBe(rec!.value.n % 5000);
        expect(rec!.version).toBe(rec!.value.n);
        expect(rec!.value.n).toBeGreaterThanOrEqual(last);
        last = rec!.value.n;
        // The store is still writable: stale lock and temp files are cleaned up.
        const next = await updateState<Counter>(store, 'counter', (c) => ({
          n: c!.n + 1,
          payload: 'x'.repeat((c!.n + 1) % 5000),
        }));
        last = next!.value.n;
      }
      expect(last).toBeGreaterThan(6);
    } finally {
      await rm(script, { force: true });
    }
  });
});
