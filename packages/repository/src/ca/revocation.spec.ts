import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorCode } from '@chassis/kernel';
import { rejectionCode as asyncCodeOf, thrownCode as codeOf } from '@chassis/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA_FILES } from './files.js';
import { initCa, loadCaCertificatePem } from './init.js';
import { type IssuedVendorCertificate, issueVendorCertificate } from './issue.js';
import { loadRevocations, revoke } from './revocation.js';
import {
  findRevocation,
  type SignedRevocationList,
  verifyRevocationList,
} from './revocation-format.js';

let root: string;
let caDir: string;
let caPem: string;
let vendor: IssuedVendorCertificate;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chassis-crl-'));
  caDir = join(root, 'ca');
  await initCa(caDir);
  caPem = await loadCaCertificatePem(caDir);
  vendor = await issueVendorCertificate(caDir, { vendor: 'V', idPrefix: 'com.v.' });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('revocation list', () => {
  it('starts empty at version 1, signed by the CA', async () => {
    const list = await loadRevocations(caDir);
    expect(list.signed.version).toBe(1);
    expect(list.signed.revoked).toEqual([]);
    expect(verifyRevocationList(caPem, JSON.stringify(list)).version).toBe(1);
  });

  it('revokes by certificate PEM, bumps the version and stays verifiable', async () => {
    const result = await revoke(caDir, vendor.certPem, 'keyCompromise');
    expect(result.changed).toBe(true);
    expect(result.serial).toBe(vendor.serial);
    const text = await readFile(join(caDir, CA_FILES.revocations), 'utf8');
    const list = verifyRevocationList(caPem, text);
    expect(list.version).toBe(2);
    expect(findRevocation(list, vendor.serial.toUpperCase())?.reason).toBe('keyCompromise');
    expect(findRevocation(list, vendor.serial)?.subject).toContain('CN=V');
  });

  it('is idempotent for an already revoked serial', async () => {
    const again = await revoke(caDir, vendor.serial.toUpperCase(), 'superseded');
    expect(again.changed).toBe(false);
    expect(again.list.signed.version).toBe(2);
  });

  it('revokes by serial number too', async () => {
    const other = await issueVendorCertificate(caDir, { vendor: 'W', idPrefix: 'com.w.' });
    const result = await revoke(caDir, `0x${other.serial}`);
    expect(result.list.signed.version).toBe(3);
    expect(findRevocation(result.list.signed, other.serial)?.reason).toBe('unspecified');
  });

  it('refuses a certificate from another CA, an unknown reason and a non-serial', async () => {
    const otherDir = join(root, 'other');
    await initCa(otherDir);
    const foreign = await issueVendorCertificate(otherDir, { vendor: 'X', idPrefix: 'com.x.' });
    expect(await asyncCodeOf(revoke(caDir, foreign.certPem))).toBe('CHASSIS_E_CERT_UNTRUSTED');
    expect(await asyncCodeOf(revoke(caDir, vendor.serial, 'because'))).toBe(
      'CHASSIS_E_CA_REQUEST_INVALID',
    );
    expect(await asyncCodeOf(revoke(caDir, 'not-hex'))).toBe('CHASSIS_E_CA_REQUEST_INVALID');
  });

  describe('verifyRevocationList refuses', () => {
    let signed: SignedRevocationList;
    beforeAll(async () => {
      signed = await loadRevocations(caDir);
    });

    const cases: [string, ErrorCode, () => Promise<[string, unknown]>][] = [
      [
        'a removed entry (tampered content)',
        'CHASSIS_E_CA_REVOCATIONS_INVALID',
        async () => [caPem, { ...signed, signed: { ...signed.signed, revoked: [] } }],
      ],
      [
        'a list checked against another CA',
        'CHASSIS_E_CA_REVOCATIONS_INVALID',
        async () => {
          const dir = join(root, 'third');
          await initCa(dir);
          return [await loadCaCertificatePem(dir), signed];
        },
      ],
      [
        'a list re-signed by another CA naming ours',
        'CHASSIS_E_CA_REVOCATIONS_INVALID',
        async () => {
          const dir = join(root, 'fourth');
          await initCa(dir);
          const theirs = await loadRevocations(dir);
          return [caPem, { signed: signed.signed, signature: theirs.signature }];
        },
      ],
      ['not JSON', 'CHASSIS_E_CA_REVOCATIONS_INVALID', async () => [caPem, '{']],
      [
        'a malformed entry',
        'CHASSIS_E_CA_REVOCATIONS_INVALID',
        async () => [
          caPem,
          { ...signed, signed: { ...signed.signed, revoked: [{ serial: 'ZZ' }] } },
        ],
      ],
      ['a missing signature', 'CHASSIS_E_CA_REVOCATIONS_INVALID', async () => [caPem, { signed }]],
    ];
    for (const [name, code, build] of cases) {
      it(name, async () => {
        const [pem, doc] = await build();
        expect(
          codeOf(() =>
            verifyRevocationList(
              pem,
              typeof doc === 'string' ? doc : (doc as SignedRevocationList),
            ),
          ),
        ).toBe(code);
      });
    }

    it('an older version than already trusted (rollback)', () => {
      expect(codeOf(() => verifyRevocationList(caPem, signed, { minVersion: 99 }))).toBe(
        'CHASSIS_E_REPO_ROLLBACK',
      );
      expect(
        verifyRevocationList(caPem, signed, { minVersion: signed.signed.version }).version,
      ).toBe(signed.signed.version);
    });
  });

  it('loadRevocations refuses a tampered file on disk', async () => {
    const file = join(caDir, CA_FILES.revocations);
    const good = await readFile(file, 'utf8');
    const doc = JSON.parse(good) as SignedRevocationList;
    await writeFile(file, JSON.stringify({ ...doc, signed: { ...doc.signed, revoked: [] } }));
    try {
      expect(await asyncCodeOf(loadRevocations(caDir))).toBe('CHASSIS_E_CA_REVOCATIONS_INVALID');
      expect(await asyncCodeOf(revoke(caDir, vendor.serial))).toBe(
        'CHASSIS_E_CA_REVOCATIONS_INVALID',
      );
    } finally {
      await writeFile(file, good);
    }
  });
});
