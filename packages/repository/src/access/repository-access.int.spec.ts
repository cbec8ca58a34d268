import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRealCar } from '../__fixtures__/real-car.js';
import { initCa } from '../ca/init.js';
import { issueVendorCertificate } from '../ca/issue.js';
import { addCar } from '../repo/add.js';
import { initRepository } from '../repo/init.js';
import { signCar } from '../signing/sign.js';
import { createRepositoryAccess, createTrustVerifier } from './repository-access.js';

describe('createRepositoryAccess', () => {
  let root: string;
  let repo: string;
  let keys: string;
  let caPem: string;
  let signedV1: string;
  let unsigned: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chassis-access-'));
    repo = join(root, 'repo');
    keys = join(root, 'keys');
    await initRepository(repo, { keysDir: keys });
    const ca = join(root, 'ca');
    caPem = (await initCa(ca, { name: 'Chassis Test CA' })).certPem;
    const vendor = await issueVendorCertificate(ca, {
      vendor: 'Example Storage Inc.',
      idPrefix: 'com.example.',
    });
    const sign = async (file: string) =>
      (await signCar(file, { keyPem: vendor.keyPem, certPem: vendor.certPem })).file;
    signedV1 = await sign(await writeRealCar(root, 'com.example.sf', '1.0.0'));
    const signedV2 = await sign(await writeRealCar(root, 'com.example.sf', '1.1.0'));
    unsigned = await writeRealCar(root, 'com.example.unsigned', '1.0.0');
    for (const car of [signedV1, signedV2, unsigned]) await addCar(repo, car, { keysDir: keys });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const access = () =>
    createRepositoryAccess({
      url: repo,
      trustedRoot: join(repo, '1.root.json'),
      cacheDir: join(root, `client-${Math.random()}`),
      downloadDir: join(root, 'downloads'),
      chassisVersion: '1.0.0',
      caPem,
    });

  it('downloads the newest compatible version, or the one asked for, verified by TUF', async () => {
    const a = access();
    const newest = await a.acquire('com.example.sf');
    expect((await a.verify(newest)).signed).toBe(true);
    const v1 = await a.acquire('com.example.sf', '1.0.0');
    expect(await readFile(v1)).toEqual(await readFile(signedV1));
    await expect(a.acquire('com.example.nope')).rejects.toMatchObject({
      code: 'CHASSIS_E_REPO_DRIVER_NOT_FOUND',
    });
    await expect(a.acquire('com.example.sf', '9.9.9')).rejects.toMatchObject({
      code: 'CHASSIS_E_REPO_DRIVER_NOT_FOUND',
    });
  });

  it('reports installed drivers with newer compatible versions', async () => {
    const notices = await access().check([
      { id: 'com.example.sf', version: '1.0.0', category: 'storage' },
    ]);
    expect(notices).toEqual([
      { id: 'com.example.sf', installed: '1.0.0', available: '1.1.0', category: 'storage' },
    ]);
    expect(
      await access().check([{ id: 'com.example.sf', version: '1.1.0', category: 'storage' }]),
    ).toEqual([]);
  });

  it('refuses unsigned CARs unless the operator allowed that driver id', async () => {
    await expect(access().verify(unsigned)).rejects.toMatchObject({
      code: 'CHASSIS_E_SIG_UNSIGNED',
    });
    const allowed = createTrustVerifier({ caPem, allowUnsigned: ['com.example.unsigned'] });
    expect(await allowed(unsigned)).toEqual({ signed: false });
    const noCa = createTrustVerifier({});
    await expect(noCa(signedV1)).rejects.toMatchObject({
      code: expect.stringMatching(/^CHASSIS_E_(CERT|SIG)_/),
    });
  });
});
