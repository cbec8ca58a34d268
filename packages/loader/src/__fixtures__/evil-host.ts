import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { DriverLoader, LoadedDriver } from '../loader/driver-loader.js';
import { EVIL_DRIVER } from './evil-driver.js';
import { type FixtureDriver, tempRoot, writeDriver } from './make-driver.js';

/** What the evil driver attacks, and what the tier suites clean up after it. */
export interface EvilHost {
  /** The host's data directory: `secret.key`, `state/store.json`, `cache/`, `scratch/`. */
  readonly data: string;
  /** The driver's targets: a listening port, the secret key, the state, another driver's code. */
  readonly targets: Readonly<Record<string, string | number>>;
  /** Pids of children the drivers started: killed by `close()`. */
  readonly kids: number[];
  /** Writes the evil driver (or `d.code`) under `cache/` and loads it; disposed by `close()`. */
  load(loader: DriverLoader, d: Omit<FixtureDriver, 'code'> & { code?: string }): Promise<LoadedDriver>;
  close(): Promise<void>;
}

/**
 * A host for the evil driver, shared by the tier suites (`confine/evil-driver.int.spec.ts` and
 * `confine/in-process-reach.int.spec.ts`): the same targets, so that each tier's column of the
 * trust table is measured against the same things.
 */
export async function evilHost(prefix: string): Promise<EvilHost> {
  const root = await tempRoot(prefix);
  const data = join(root.dir, 'data');
  await mkdir(join(data, 'state'), { recursive: true });
  await writeFile(join(data, 'state', 'store.json'), '{}');
  await writeFile(join(data, 'secret.key'), 'the-secret-key');
  const other = await writeDriver(join(data, 'cache'), {
    id: 'com.victim.x',
    code: 'export default { provides: {} };',
  });
  const server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const loaded: LoadedDriver[] = [];
  const kids: number[] = [];
  return {
    data,
    targets: {
      port: (server.address() as { port: number }).port,
      secret: join(data, 'secret.key'),
      state: join(data, 'state'),
      other: join(other, 'classes', 'index.js'),
    },
    kids,
    async load(loader, d) {
      const dir = await writeDriver(join(data, 'cache'), { ...d, code: d.code ?? EVIL_DRIVER });
      const l = await loader.loadDirectory(dir);
      loaded.push(l);
      return l;
    },
    async close() {
      await Promise.all(loaded.map((l) => l.handle.dispose()));
      for (const pid of kids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone: that is what most tests assert.
        }
      }
      server.close();
      await root.cleanup();
    },
  };
}
