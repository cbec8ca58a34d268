import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeRealCar } from '../__fixtures__/real-car.js';
import { caPath } from '../ca/files.js';
import { initCa } from '../ca/init.js';
import { issueVendorCertificate } from '../ca/issue.js';
import { revoke } from '../ca/revocation.js';
import { addCar } from '../repo/add.js';
import { indexRepository } from '../repo/index-repository.js';
import { initRepository } from '../repo/init.js';
import { publishRevocations } from '../repo/revocations.js';
import { signCar } from '../signing/sign.js';
import { createRepositoryAccess } from './repository-access.js';

// The CA's revocation list published through the TUF repository: refreshed with every update
// check, enforced without a restart, verified at start, protected against rollback by TUF.

let root: string;
let repo: string;
let keys: string;
let ca: string;
let caPem: string;
let vendorCertPem: string;
let signedV1: string;
let signedV2: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'chassis-revocations-'));
  repo = join(root, 'repo');
  keys = join(root, 'keys');
  ca = join(root, 'ca');
  await initRepository(repo, { keysDir: keys });
  caPem = (await initCa(ca, { name: 'Chassis Test CA' })).certPem;
  const vendor = await issueVendorCertificate(ca, {
    vendor: 'Example Storage Inc.',
    idPrefix: 'com.example.',
  });
  vendorCertPem = vendor.certPem;
  const sign = async (file: string) =>
    (await signCar(file, { keyPem: vendor.keyPem, certPem: vendor.certPem })).file;
  signedV1 = await sign(await writeRealCar(root, 'com.example.sf', '1.0.0'));
  signedV2 = await sign(await writeRealCar(root, 'com.example.sf', '1.1.0'));
  for (const car of [signedV1, signedV2]) await addCar(repo, car, { keysDir: keys });
  await publishRevocations(repo, caPath(ca, 'revocations'), { keysDir: keys, caPem });
});
afterEach(() => rm(root, { recursive: true, force: true }));

const cacheDir = () => join(root, 'client-cache');
const access = (extra: { revocations?: string } = {}) =>
  createRepositoryAccess({
    url: repo,
    trustedRoot: join(repo, '1.root.json'),
    cacheDir: cacheDir(),
    downloadDir: join(root, 'downloads'),
    chassisVersion: '1.0.0',
    caPem,
    ...extra,
  });
const installed = [{ id: 'com.example.sf', version: '1.0.0', category: 'storage' }];

async function revokeVendor(): Promise<void> {
  await revoke(ca, vendorCertPem, 'keyCompromise');
  await publishRevocations(repo, caPath(ca, 'revocations'), { keysDir: keys, caPem });
}

describe('revocations published through the repository', () => {
  it('a certificate revoked in the repository is refused after the next update check, without a restart', async () => {
    const a = access();
    await a.ready?.();
    expect((await a.verify(signedV1)).signed).toBe(true);
    await revokeVendor();
    // Positive control: until the next refresh the server still trusts the old list.
    expect((await a.verify(signedV1)).signed).toBe(true);
    await a.check(installed);
    await expect(a.verify(signedV1)).rejects.toMatchObject({ code: 'CHASSIS_E_CERT_REVOKED' });
    // An upgrade by id (acquire refreshes too) is refused as well.
    const v2 = await a.acquire('com.example.sf', '1.1.0');
    await expect(a.verify(v2)).rejects.toMatchObject({ code: 'CHASSIS_E_CERT_REVOKED' });
  });

  it('fails at start when the repository serves a list that does not verify with the CA', async () => {
    const list = JSON.parse(await readFile(join(repo, 'revocations.json'), 'utf8'));
    list.signed.revoked = [
      { serial: 'abcd', reason: 'unspecified', revokedAt: list.signed.issuedAt },
    ];
    await writeFile(join(repo, 'revocations.json'), JSON.stringify(list));
    await indexRepository(repo, { keysDir: keys });
    await expect(access().ready!()).rejects.toMatchObject({
      code: 'CHASSIS_E_CA_REVOCATIONS_INVALID',
    });
  });

  it('fails at start when the operator revocation file is invalid', async () => {
    const file = join(root, 'bad-revocations.json');
    await writeFile(file, '{"signed":{}}');
    await expect(access({ revocations: file }).ready!()).rejects.toMatchObject({
      code: 'CHASSIS_E_CA_REVOCATIONS_INVALID',
    });
  });

  it('refuses a rollback of the list: TUF refuses older metadata, the revocation stays in force', async () => {
    const before = join(root, 'repo-before');
    await cp(repo, before, { recursive: true });
    await revokeVendor();
    const a = access();
    await a.check(installed);
    await expect(a.verify(signedV1)).rejects.toMatchObject({ code: 'CHASSIS_E_CERT_REVOKED' });
    // The mirror now serves the metadata from before the revocation (a replay).
    await rm(repo, { recursive: true, force: true });
    await cp(before, repo, { recursive: true });
    await expect(a.check(installed)).rejects.toMatchObject({ code: 'CHASSIS_E_REPO_ROLLBACK' });
    await expect(a.verify(signedV1)).rejects.toMatchObject({ code: 'CHASSIS_E_CERT_REVOKED' });
    // Also after a restart: the client's trusted metadata survives in its cache folder.
    const restarted = access();
    await restarted.ready?.();
    await expect(restarted.check(installed)).rejects.toMatchObject({
      code: 'CHASSIS_E_REPO_ROLLBACK',
    });
  });

  it("an operator's file newer than the repository's list stays in force, update checks go on", async () => {
    const newer = join(root, 'newer.json');
    await revoke(ca, vendorCertPem, 'keyCompromise');
    await cp(caPath(ca, 'revocations'), newer);
    const a = access({ revocations: newer });
    await a.ready?.();
    expect(await a.check(installed)).toEqual([
      { id: 'com.example.sf', installed: '1.0.0', available: '1.1.0', category: 'storage' },
    ]);
    await expect(a.verify(signedV1)).rejects.toMatchObject({ code: 'CHASSIS_E_CERT_REVOKED' });
  });

  it('refuses to publish a list older than the published one', async () => {
    const old = join(root, 'old.json');
    await cp(caPath(ca, 'revocations'), old);
    await revokeVendor();
    await expect(publishRevocations(repo, old, { keysDir: keys })).rejects.toMatchObject({
      code: 'CHASSIS_E_REPO_ROLLBACK',
    });
  });

  it('standard names: the list is served under its consistent (hash-prefixed) name too', async () => {
    const a = access();
    await a.ready?.();
    const { digestFile } = await import('../repo/digest.js');
    const { sha256 } = await digestFile(join(repo, 'revocations.json'));
    expect(await readFile(join(repo, `${sha256}.revocations.json`))).toEqual(
      await readFile(join(repo, 'revocations.json')),
    );
  });
});
