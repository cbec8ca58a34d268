import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Updater } from 'tuf-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeOptions, tempRepository, writeFakeCar } from '../__fixtures__/fake-repo.js';
import { addCar } from '../repo/add.js';
import { indexRepository } from '../repo/index-repository.js';
import { type RepositoryServer, serveRepository } from '../repo/serve.js';

// An independent TUF client (tuf-js `Updater`, default settings: hash-prefixed target names
// because root says `consistent_snapshot: true`) against the repository served over real HTTP.

let dir: string;
let cleanup: () => Promise<void>;
let repo: string;
let keys: string;
let rootFile: string;
let server: RepositoryServer;

beforeEach(async () => {
  ({ dir, cleanup, repo, keys, rootFile } = await tempRepository());
  server = await serveRepository(repo);
});
afterEach(async () => {
  await server.close();
  await cleanup();
});

async function standardClient(name: string): Promise<Updater> {
  const metadataDir = join(dir, name, 'metadata');
  const targetDir = join(dir, name, 'targets');
  await mkdir(metadataDir, { recursive: true });
  await mkdir(targetDir, { recursive: true });
  await writeFile(join(metadataDir, 'root.json'), await readFile(rootFile));
  return new Updater({
    metadataDir,
    targetDir,
    metadataBaseUrl: server.url,
    targetBaseUrl: server.url,
  });
}

describe('a standard TUF client (tuf-js Updater, default settings)', () => {
  it('downloads a published CAR by its consistent (hash-prefixed) name', async () => {
    const car = await writeFakeCar(dir, { id: 'com.example.solidfire', version: '2.1.0' });
    const entry = await addCar(repo, car, fakeOptions(keys));
    const updater = await standardClient('std');
    await updater.refresh();
    const info = await updater.getTargetInfo(entry.path);
    expect(info?.hashes.sha256).toBe(entry.sha256);
    const got = await updater.downloadTarget(info!, join(dir, 'got.car'));
    expect(await readFile(got)).toEqual(await readFile(car));
  });

  it('positive control: without the consistent names (the old layout) it gets a 404', async () => {
    const car = await writeFakeCar(dir, { id: 'com.example.solidfire', version: '2.1.0' });
    const entry = await addCar(repo, car, fakeOptions(keys));
    await rm(join(repo, 'cars', `${entry.sha256}.${entry.sha256}.car`));
    const updater = await standardClient('old');
    await updater.refresh();
    const info = await updater.getTargetInfo(entry.path);
    const err = await updater.downloadTarget(info!, join(dir, 'got.car')).catch((e) => e);
    expect(err.statusCode).toBe(404);
    // The CAR is there under its plain name: only the consistent name is missing.
    expect((await fetch(`${server.url}${entry.path}`)).status).toBe(200);
  });

  it('re-indexing migrates a repository made before the consistent names existed', async () => {
    const car = await writeFakeCar(dir, { id: 'com.example.solidfire', version: '2.1.0' });
    const entry = await addCar(repo, car, fakeOptions(keys));
    await rm(join(repo, 'cars', `${entry.sha256}.${entry.sha256}.car`));
    await indexRepository(repo, fakeOptions(keys));
    const updater = await standardClient('migrated');
    await updater.refresh();
    const info = await updater.getTargetInfo(entry.path);
    const got = await updater.downloadTarget(info!, join(dir, 'got.car'));
    expect(await readFile(got)).toEqual(await readFile(car));
  });
});
