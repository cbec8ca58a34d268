import { readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { fakeOptions, tempRepository, writeFakeCar } from '../__fixtures__/fake-repo.js';
import { initCa } from '../ca/init.js';
import { addCars } from '../repo/add.js';
import { indexRepository } from '../repo/index-repository.js';
import { initRepository } from '../repo/init.js';
import { publishRevocations } from '../repo/revocations.js';
import { rotateRootKey } from '../repo/rotate.js';
import { serveRepository } from '../repo/serve.js';
import { RepositoryClient } from '../tuf/client.js';
import { exportBundle, importBundle } from './bundle.js';
import { type MirrorProgress, mirrorRepository } from './mirror.js';
import { verifyMirror } from './verify.js';

let dir: string;
let cleanup: () => Promise<void>;
let repo: string;
let keys: string;
let rootFile: string;
let dst: string;
let shas: string[];

beforeEach(async () => {
  ({ dir, cleanup, repo, keys, rootFile } = await tempRepository());
  dst = join(dir, 'mirror');
  const cars = [
    await writeFakeCar(dir, { id: 'com.example.solidfire', version: '1.0.0' }),
    await writeFakeCar(dir, { id: 'com.example.solidfire', version: '1.1.0' }),
    await writeFakeCar(dir, { id: 'com.example.kvm', version: '3.0.0', category: 'hypervisor' }),
  ];
  shas = (await addCars(repo, cars, fakeOptions(keys))).added.map((d) => d.sha256);
});
afterEach(() => cleanup());

describe('mirrorRepository', () => {
  it('copies a verified repository that clients and verifyMirror accept', async () => {
    const events: MirrorProgress[] = [];
    const r = await mirrorRepository(repo, dst, {
      trustedRoot: rootFile,
      onProgress: (p) => events.push(p),
    });
    expect(r).toMatchObject({ drivers: 3, copied: 3, skipped: 0, rootVersion: 1 });
    expect(events.at(-1)?.phase).toBe('commit');
    expect(events.filter((e) => e.phase === 'cars').map((e) => e.done)).toEqual([1, 2, 3]);
    expect(await verifyMirror(dst, rootFile)).toMatchObject({ drivers: 3, rootVersion: 1 });
    // Standard TUF clients fetch the consistent (hash-prefixed) names: the mirror has them too.
    const names = await readdir(join(dst, 'cars'));
    for (const sha of shas)
      expect(names).toEqual(expect.arrayContaining([`${sha}.car`, `${sha}.${sha}.car`]));
    const c = new RepositoryClient({ url: dst, trustedRoot: rootFile, cacheDir: join(dir, 'c') });
    expect((await c.refresh()).map((d) => d.id)).toContain('com.example.kvm');
  });

  it('resumes: keeps CARs already present and re-fetches only missing or corrupt ones', async () => {
    await mirrorRepository(repo, dst);
    await rm(join(dst, 'cars', `${shas[0]}.car`));
    await writeFile(join(dst, 'cars', `${shas[1]}.car`), 'garbage');
    const r = await mirrorRepository(repo, dst);
    expect(r).toMatchObject({ copied: 2, skipped: 1 });
    await verifyMirror(dst, rootFile);
  });

  it('mirrors over HTTP, including root rotations for clients pinned to 1.root.json', async () => {
    await rotateRootKey(repo, fakeOptions(keys));
    const server = await serveRepository(repo);
    try {
      const r = await mirrorRepository(server.url, dst, { trustedRoot: rootFile });
      expect(r.rootVersion).toBe(2);
      expect((await readdir(dst)).filter((n) => n.endsWith('.root.json')).sort()).toEqual([
        '1.root.json',
        '2.root.json',
      ]);
      expect((await verifyMirror(dst, rootFile)).rootVersion).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('refuses a tampered source and leaves the previous mirror intact', async () => {
    await mirrorRepository(repo, dst);
    const before = await readFile(join(dst, 'timestamp.json'), 'utf8');
    await addCars(
      repo,
      [await writeFakeCar(dir, { id: 'x.y', version: '1.0.0' })],
      fakeOptions(keys),
    );
    const state = JSON.parse(await readFile(join(repo, 'timestamp.json'), 'utf8'));
    await rm(join(repo, `${state.signed.meta['snapshot.json'].version}.snapshot.json`));
    const err = await mirrorRepository(repo, dst, { trustedRoot: rootFile }).catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_REPO_MIRROR_INCOMPLETE');
    expect(await readFile(join(dst, 'timestamp.json'), 'utf8')).toBe(before);
    await verifyMirror(dst, rootFile);
  });
});

describe('the revocation list target', () => {
  it('is copied by mirrors and bundles under both names, and a mirror without it is incomplete', async () => {
    const ca = join(dir, 'ca');
    await initCa(ca, { name: 'Mirror Test CA' });
    await publishRevocations(repo, join(ca, 'revocations.json'), fakeOptions(keys));
    const list = await readFile(join(repo, 'revocations.json'));
    await mirrorRepository(repo, dst, { trustedRoot: rootFile });
    const names = await readdir(dst);
    expect(await readFile(join(dst, 'revocations.json'))).toEqual(list);
    expect(names.filter((n) => n.endsWith('.revocations.json'))).toHaveLength(1);
    await verifyMirror(dst, rootFile);

    const bundle = join(dir, 'r.zip');
    await exportBundle(repo, bundle);
    const imported = join(dir, 'imported');
    await importBundle(bundle, imported, { trustedRoot: rootFile });
    expect(await readFile(join(imported, 'revocations.json'))).toEqual(list);

    for (const n of names.filter((x) => x.endsWith('revocations.json'))) await rm(join(dst, n));
    const err = await verifyMirror(dst, rootFile).catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_REPO_MIRROR_INCOMPLETE');
    expect(err.details.missing).toEqual(['revocations.json']);
  });
});

describe('verifyMirror', () => {
  beforeEach(() => mirrorRepository(repo, dst));

  it('reports a mirror whose metadata was never written as incomplete', async () => {
    await rm(join(dst, 'timestamp.json'));
    expect((await verifyMirror(dst, rootFile).catch((e) => e)).code).toBe(
      'CHASSIS_E_REPO_MIRROR_INCOMPLETE',
    );
  });

  it('lists the CARs a half-synced mirror lacks', async () => {
    await rm(join(dst, 'cars', `${shas[2]}.car`));
    const err = await verifyMirror(dst, rootFile).catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_REPO_MIRROR_INCOMPLETE');
    expect(err.details.missing).toEqual([`cars/${shas[2]}.car`]);
  });

  it('lists a missing consistent (hash-prefixed) name: standard clients would get a 404', async () => {
    await rm(join(dst, 'cars', `${shas[1]}.${shas[1]}.car`));
    const err = await verifyMirror(dst, rootFile).catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_REPO_MIRROR_INCOMPLETE');
    expect(err.details.missing).toEqual([`cars/${shas[1]}.${shas[1]}.car`]);
  });

  it('a CAR that cannot be checked (ELOOP) is a typed error naming it, not "missing"', async () => {
    const file = join(dst, 'cars', `${shas[2]}.car`);
    await rm(file);
    await symlink(`${shas[2]}.car`, file);
    const err = await verifyMirror(dst, rootFile).catch((e) => e);
    expect(err).toMatchObject({ code: 'CHASSIS_E_REPO_STATE_UNREADABLE', details: { file } });
  });

  it('a re-mirror over a CAR that cannot be checked stops with a typed error', async () => {
    const file = join(dst, 'cars', `${shas[2]}.car`);
    await rm(file);
    await symlink(`${shas[2]}.car`, file);
    const err = await mirrorRepository(repo, dst).catch((e) => e);
    expect(err).toMatchObject({ code: 'CHASSIS_E_REPO_STATE_UNREADABLE', details: { file } });
  });

  it('a source whose first root cannot be checked is not "no repository"', async () => {
    const file = join(repo, '1.root.json');
    await rm(file);
    await symlink('1.root.json', file);
    const err = await mirrorRepository(repo, join(dir, 'other')).catch((e) => e);
    expect(err).toMatchObject({ code: 'CHASSIS_E_REPO_STATE_UNREADABLE', details: { file } });
  });

  it('refuses a corrupt CAR', async () => {
    await writeFile(join(dst, 'cars', `${shas[1]}.car`), 'garbage');
    expect((await verifyMirror(dst, rootFile).catch((e) => e)).code).toBe(
      'CHASSIS_E_REPO_TARGET_INVALID',
    );
  });

  it('refuses a stale mirror (expired timestamp) as a freeze', async () => {
    await indexRepository(repo, {
      ...fakeOptions(keys),
      now: new Date(Date.now() - 30 * 86_400_000),
    });
    const stale = join(dir, 'stale');
    await exportBundle(repo, join(dir, 'stale.zip'));
    const err = await importBundle(join(dir, 'stale.zip'), stale).catch((e) => e);
    expect(err.code).toBe('CHASSIS_E_REPO_FREEZE');
  });
});

describe('export / import bundle', () => {
  it('round-trips a repository through one file, deterministically', async () => {
    const a = join(dir, 'a.zip');
    const b = join(dir, 'b.zip');
    expect(await exportBundle(repo, a)).toEqual({ cars: 3 });
    const seen: { phase: string; bytes: number; totalBytes: number }[] = [];
    await exportBundle(repo, b, { onProgress: (p) => seen.push(p) });
    expect(await readFile(a)).toEqual(await readFile(b));
    // Bytes only grow, and the last report is the commit with every CAR byte counted.
    expect(seen.map((p) => p.bytes)).toEqual([...seen.map((p) => p.bytes)].sort((x, y) => x - y));
    expect(seen.at(-1)).toMatchObject({ phase: 'commit' });
    expect(seen.at(-1)?.bytes).toBe(seen.at(-1)?.totalBytes);
    expect(seen.at(-1)?.totalBytes).toBeGreaterThan(0);
    const r = await importBundle(a, dst, { trustedRoot: rootFile });
    expect(r.drivers).toBe(3);
    expect((await verifyMirror(dst, rootFile)).drivers).toBe(3);
  });

  it('refuses a bundle with foreign entries', async () => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('{}'), 'timestamp.json');
    zip.addBuffer(Buffer.from('x'), 'lib/payload.js');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    await writeFile(join(dir, 'evil.zip'), Buffer.concat(chunks));
    expect((await importBundle(join(dir, 'evil.zip'), dst).catch((e) => e)).code).toBe(
      'CHASSIS_E_REPO_BUNDLE_INVALID',
    );
    await writeFile(join(dir, 'junk.zip'), 'not a zip');
    expect((await importBundle(join(dir, 'junk.zip'), dst).catch((e) => e)).code).toBe(
      'CHASSIS_E_REPO_BUNDLE_INVALID',
    );
  });

  it('refuses a bundle signed by another repository than the trusted root', async () => {
    const other = join(dir, 'other');
    await initRepository(other, { keysDir: join(dir, 'other-keys') });
    await exportBundle(other, join(dir, 'other.zip'));
    const err = await importBundle(join(dir, 'other.zip'), dst, { trustedRoot: rootFile }).catch(
      (e) => e,
    );
    expect(err.code).toBe('CHASSIS_E_REPO_METADATA_INVALID');
    await expect(readdir(dst)).rejects.toThrow();
  });

  it('refuses a bundle whose CAR was swapped', async () => {
    await writeFile(join(repo, 'cars', `${shas[0]}.car`), 'swapped');
    await exportBundle(repo, join(dir, 'swapped.zip'));
    const err = await importBundle(join(dir, 'swapped.zip'), dst, { trustedRoot: rootFile }).catch(
      (e) => e,
    );
    expect(err.code).toBe('CHASSIS_E_REPO_TARGET_INVALID');
  });
});
