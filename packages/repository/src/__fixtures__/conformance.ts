import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addCar } from '../repo/add.js';
import { rotateRootKey } from '../repo/rotate.js';
import type { TransportOptions } from '../transport/open.js';
import { RepositoryClient } from '../tuf/client.js';
import { fakeOptions, writeFakeCar, tempRepository } from './fake-repo.js';

/** How a transport under test exposes a repository folder. */
export interface TransportHarness {
  /** Starts shared servers (once per file). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The URL under which `repoDir` is reachable, after {@link sync}. */
  url(repoDir: string): string;
  /** Publishes the current content of `repoDir` (no-op for file/HTTP). */
  sync(repoDir: string): Promise<void>;
  options(): TransportOptions;
}

/**
 * The conformance suite every transport passes: listing, verified download, root rotation, a
 * missing CAR, a tampered CAR, endless data and a missing repository.
 */
export function describeTransportConformance(name: string, harness: TransportHarness): void {
  describe(`transport conformance: ${name}`, () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let repo: string;
    let keys: string;
    let rootFile: string;
    let sha: string;

    beforeAll(() => harness.start());
    afterAll(() => harness.stop());
    beforeEach(async () => {
      ({ dir, cleanup, repo, keys, rootFile } = await tempRepository());
      const car = await writeFakeCar(dir, { id: 'com.example.nvp', version: '1.0.0', category: 'network' });
      sha = (await addCar(repo, car, fakeOptions(keys))).sha256;
      await harness.sync(repo);
    });
    afterEach(() => cleanup());

    const client = (cache = 'cache') =>
      new RepositoryClient({
        url: harness.url(repo),
        trustedRoot: rootFile,
        cacheDir: join(dir, cache),
        ...harness.options(),
      });

    it('lists and downloads a verified CAR', async () => {
      const c = client();
      try {
        expect((await c.refresh()).map((d) => `${d.id}@${d.version}`)).toEqual(['com.example.nvp@1.0.0']);
        await c.download('com.example.nvp', '1.0.0', join(dir, 'got.car'));
        expect(await readFile(join(dir, 'got.car'))).toEqual(await readFile(join(repo, 'cars', `${sha}.car`)));
      } finally {
        c.close();
      }
    });

    it('follows a root rotation', async () => {
      const c = client();
      try {
        await c.refresh();
        await rotateRootKey(repo, fakeOptions(keys));
        await harness.sync(repo);
        expect((await c.refresh()).length).toBe(1);
        expect(JSON.parse((await c.trustedMetadata('root.json')).toString()).signed.version).toBe(2);
      } finally {
        c.close();
      }
    });

    it('reports a missing CAR as a half-synced mirror', async () => {
      await rm(join(repo, 'cars', `${sha}.car`));
      await rm(join(repo, 'cars', `${sha}.${sha}.car`));
      await harness.sync(repo);
      const c = client();
      try {
        await c.refresh();
        const err = await c.download('com.example.nvp', '1.0.0', join(dir, 'got.car')).catch((e) => e);
        expect(err.code).toBe('CHASSIS_E_REPO_MIRROR_INCOMPLETE');
      } finally {
        c.close();
      }
    });

    it('refuses a tampered CAR and leaves no file behind', async () => {
      // The consistent (hash-prefixed) name is the one clients fetch.
      const file = join(repo, 'cars', `${sha}.${sha}.car`);
      const bytes = await readFile(file);
      bytes[10] = bytes[10]! ^ 1;
      await writeFile(file, bytes);
      await harness.sync(repo);
      const c = client();
      try {
        await c.refresh();
        const err = await c.download('com.example.nvp', '1.0.0', join(dir, 'got.car')).catch((e) => e);
        expect(err.code).toBe('CHASSIS_E_REPO_TARGET_INVALID');
        await expect(readFile(join(dir, 'got.car'))).rejects.toThrow();
      } finally {
        c.close();
      }
    });

    it('stops endless data at the signed length', async () => {
      const file = join(repo, 'cars', `${sha}.${sha}.car`);
      await writeFile(file, Buffer.concat([await readFile(file), Buffer.alloc(256 * 1024, 7)]));
      await harness.sync(repo);
      const c = client();
      try {
        await c.refresh();
        const err = await c.download('com.example.nvp', '1.0.0', join(dir, 'got.car')).catch((e) => e);
        expect(err.code).toBe('CHASSIS_E_REPO_TARGET_TOO_LARGE');
      } finally {
        c.close();
      }
    });

    it('reports a location without a repository', async () => {
      await rm(join(repo, 'timestamp.json'));
      await harness.sync(repo);
      const c = client();
      try {
        const err = await c.refresh().catch((e) => e);
        expect(err.code).toBe('CHASSIS_E_REPO_NOT_FOUND');
      } finally {
        c.close();
      }
    });
  });
}
