import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { compare, report } from '../../../bench/compare.js';
import { fakeOptions } from '../src/__fixtures__/fake-repo.js';
import { addCar } from '../src/repo/add.js';
import { initRepository } from '../src/repo/init.js';
import { RepositoryClient } from '../src/tuf/client.js';

const SIZE = 5 * 1024 * 1024;

it('TUF-verified download of a 5 MB CAR vs a plain file copy', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'repo-bench-'));
  try {
    const repo = join(dir, 'repo');
    const keys = join(dir, 'keys');
    const { rootFile } = await initRepository(repo, { keysDir: keys });
    const car = join(dir, 'big.car');
    const descriptor = {
      id: 'com.example.big',
      name: 'big',
      version: '1.0.0',
      vendor: 'v',
      license: 'Apache-2.0',
      category: 'storage',
      entry: 'classes/index.js',
      engines: { chassis: '^1.0.0' },
      provides: [],
    };
    // The stub inspector reads the descriptor from JSON; the hex padding makes it ~5 MB.
    await writeFile(
      car,
      JSON.stringify({ fake: true, descriptor, pad: randomBytes(SIZE / 2).toString('hex') }),
    );
    const entry = await addCar(repo, car, fakeOptions(keys));
    const client = new RepositoryClient({
      url: repo,
      trustedRoot: rootFile,
      cacheDir: join(dir, 'c'),
    });
    await client.refresh();
    // Each side writes one file and removes it again: keeping every output would measure the
    // kernel flushing gigabytes of dirty pages, and penalise whichever side runs second.
    const plain = join(dir, 'plain.car');
    const verified = join(dir, 'verified.car');
    report('Target', [['CAR size', `${(entry.length / 1024 / 1024).toFixed(1)} MB`]]);
    await compare({
      title: 'download (length cap + sha256 + atomic rename) vs copyFile',
      baseline: {
        name: 'copyFile',
        fn: async () => {
          await copyFile(join(repo, entry.path), plain);
          await rm(plain);
        },
      },
      candidate: {
        name: 'RepositoryClient.download',
        fn: async () => {
          await client.download(entry.id, entry.version, verified);
          await rm(verified);
        },
      },
      target: '≤ 4×',
      meets: (r) => r.ratio <= 4,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
