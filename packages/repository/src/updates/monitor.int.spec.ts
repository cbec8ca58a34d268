import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeOptions, tempDir, writeFakeCar } from '../__fixtures__/fake-repo.js';
import { addCar } from '../repo/add.js';
import { initRepository } from '../repo/init.js';
import { serveRepository } from '../repo/serve.js';
import { RepositoryClient } from '../tuf/client.js';
import { UpdateMonitor } from './monitor.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe('UpdateMonitor over a served repository', () => {
  it('notices a newer compatible version once it is published, not an incompatible one', async () => {
    const repo = join(dir, 'repo');
    const keys = join(dir, 'keys');
    const { rootFile } = await initRepository(repo, { keysDir: keys });
    await addCar(
      repo,
      await writeFakeCar(dir, { id: 'com.example.sf', version: '1.0.0' }),
      fakeOptions(keys),
    );
    const server = await serveRepository(repo);
    const client = new RepositoryClient({
      url: server.url,
      trustedRoot: rootFile,
      cacheDir: join(dir, 'c'),
    });
    const monitor = new UpdateMonitor({
      client,
      chassisVersion: '1.3.0',
      contracts: { 'storage.primary': '1.1.0' },
      installed: () => [{ id: 'com.example.sf', version: '1.0.0' }],
    });
    try {
      expect(await monitor.check()).toEqual([]);
      await addCar(
        repo,
        await writeFakeCar(dir, { id: 'com.example.sf', version: '2.0.0', engines: '^2.0.0' }),
        fakeOptions(keys),
      );
      expect(await monitor.check()).toEqual([]);
      await addCar(
        repo,
        await writeFakeCar(dir, { id: 'com.example.sf', version: '1.1.0' }),
        fakeOptions(keys),
      );
      const [notice] = await monitor.check();
      expect(notice).toMatchObject({ id: 'com.example.sf', installed: '1.0.0' });
      expect(notice!.latest.version).toBe('1.1.0');
      expect(monitor.pendingUpdates()).toHaveLength(1);
    } finally {
      monitor.dispose();
      client.close();
      await server.close();
    }
  });

  it('reports an unreachable repository with a typed code', async () => {
    const repo = join(dir, 'repo');
    const { rootFile } = await initRepository(repo, { keysDir: join(dir, 'keys') });
    const server = await serveRepository(repo);
    const url = server.url;
    await server.close();
    const client = new RepositoryClient({
      url,
      trustedRoot: rootFile,
      cacheDir: join(dir, 'c'),
      timeoutMs: 2_000,
    });
    const err = await client.refresh().catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_REPO_TRANSPORT');
  });
});
