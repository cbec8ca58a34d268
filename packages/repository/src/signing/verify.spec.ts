import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCar, readCarEntries, writeCar } from '@chassis/car';
import type { ErrorCode } from '@chassis/kernel';
import { rejectionCode as codeOf } from '@chassis/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emptyRevocationList,
  type SignedRevocationList,
  signRevocationList,
} from '../ca/revocation-format.js';
import { addDays, fingerprint } from '../ca/x509.js';
import { driverFiles, withManifest, writeDriverCar } from './__fixtures__/car.js';
import { makeCert, makePki, SERVER_AUTH_OID, type TestCert } from './__fixtures__/pki.js';
import { signEntries } from './sign.js';
import { type CarTrustOptions, verifyCarTrust } from './verify.js';

const ID = 'com.example.solidfire';
let root: string;
let ca: TestCert;
let vendor: TestCert;
let counter = 0;

function nextFile(): string {
  counter += 1;
  return join(root, `c${counter}.car`);
}

/** A CAR signed by `signer` without any policy check (so bad certificates can sign). */
async function signedCar(signer: TestCert, id = ID, chainPem = signer.certPem): Promise<string> {
  const file = nextFile();
  await writeCar(signEntries(withManifest(driverFiles(id), id), signer.keyPem, chainPem), file);
  return file;
}

/** Rewrites the entries of `file` through `edit` (no re-signing, no re-manifesting). */
async function edit(file: string, change: (entries: Map<string, Buffer>) => void): Promise<string> {
  const entries = await readCarEntries(file);
  change(entries);
  const out = nextFile();
  await writeCar(entries, out);
  return out;
}

function revocationsFor(serials: string[], version = 2): SignedRevocationList {
  return signRevocationList(
    {
      ...emptyRevocationList(fingerprint(ca.cert.rawData), new Date()),
      version,
      revoked: serials.map((serial) => ({
        serial: serial.toLowerCase().replace(/^0+/, ''),
        reason: 'keyCompromise' as const,
        revokedAt: new Date().toISOString(),
      })),
    },
    ca.keyPem,
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chassis-trust-'));
  ({ ca, vendor } = await makePki());
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('verifyCarTrust: accepted', () => {
  it('a CAR signed by a vendor of the project CA, from a path or a CarArchive', async () => {
    const file = await signedCar(vendor);
    const trust = await verifyCarTrust(file, { caPem: ca.certPem });
    expect(trust).toMatchObject({
      signed: true,
      driverId: ID,
      version: '1.0.0',
      vendor: 'Example Storage Inc.',
      idPrefixes: ['com.example.'],
    });
    expect(trust.serial).toBe(vendor.cert.serialNumber.replace(/^0+/, ''));
    const archive = await readCar(file);
    expect((await verifyCarTrust(archive, { caPem: ca.certPem })).sha256).toBe(archive.sha256);
  });

  it('with a revocation list naming other certificates', async () => {
    const file = await signedCar(vendor);
    const trust = await verifyCarTrust(file, {
      caPem: ca.certPem,
      revocations: JSON.stringify(revocationsFor(['7f7f7f'])),
    });
    expect(trust.signed).toBe(true);
  });

  it('an unsigned CAR whose driver id the operator allowed explicitly', async () => {
    const file = await writeDriverCar(nextFile(), ID);
    const trust = await verifyCarTrust(file, { caPem: ca.certPem, allowUnsigned: [ID] });
    expect(trust).toMatchObject({ signed: false, driverId: ID });
    expect(trust.vendor).toBeUndefined();
  });

  it('a signature made while the certificate was valid, checked at that time', async () => {
    const old = await makeCert({
      name: 'Example Storage Inc.',
      issuer: ca,
      notBefore: addDays(new Date(), -40),
      days: 10,
      prefixes: ['com.example.'],
    });
    const file = await signedCar(old);
    const trust = await verifyCarTrust(file, { caPem: ca.certPem, at: addDays(new Date(), -35) });
    expect(trust.signed).toBe(true);
  });
});

describe('verifyCarTrust: attacks are refused with their code and nothing changes', () => {
  const attacks: [string, ErrorCode, () => Promise<[string, Partial<CarTrustOptions>?]>][] = [
    [
      'a tampered file in a signed CAR',
      'CHASSIS_E_CAR_DIGEST_MISMATCH',
      async () => [
        await edit(await signedCar(vendor), (e) =>
          e.set('classes/index.js', Buffer.from('process.exit(1);\n')),
        ),
      ],
    ],
    [
      'an extra entry in a signed CAR',
      'CHASSIS_E_CAR_MANIFEST_UNLISTED',
      async () => [
        await edit(await signedCar(vendor), (e) =>
          e.set('classes/evil.js', Buffer.from('process.exit(1);\n')),
        ),
      ],
    ],
    [
      'a missing entry in a signed CAR',
      'CHASSIS_E_CAR_MANIFEST_MISSING_FILE',
      async () => [await edit(await signedCar(vendor), (e) => e.delete('classes/util.js'))],
    ],
    [
      'a manifest digest that does not match its file',
      'CHASSIS_E_CAR_DIGEST_MISMATCH',
      async () => {
        const files = driverFiles(ID);
        const entries = withManifest(files, ID);
        files.set('classes/util.js', Buffer.from('export const x = 666;\n'));
        const mixed = new Map([...entries, ['classes/util.js', files.get('classes/util.js')!]]);
        const file = nextFile();
        await writeCar(signEntries(mixed, vendor.keyPem, vendor.certPem), file);
        return [file];
      },
    ],
    [
      'a tampered file with a manifest rewritten to match (old signature kept)',
      'CHASSIS_E_SIG_INVALID',
      async () => {
        const signed = await readCarEntries(await signedCar(vendor));
        const files = driverFiles(ID);
        files.set('classes/index.js', Buffer.from('process.exit(1);\n'));
        const forged = withManifest(files, ID);
        forged.set('META-INF/SIGNATURE', signed.get('META-INF/SIGNATURE')!);
        forged.set('META-INF/CERT.pem', signed.get('META-INF/CERT.pem')!);
        const file = nextFile();
        await writeCar(forged, file);
        return [file];
      },
    ],
    ['an unsigned CAR', 'CHASSIS_E_SIG_UNSIGNED', async () => [await writeDriverCar(nextFile())]],
    [
      'an unsigned CAR when only another id is allowed unsigned',
      'CHASSIS_E_SIG_UNSIGNED',
      async () => [await writeDriverCar(nextFile()), { allowUnsigned: ['com.example.other'] }],
    ],
    [
      'a signed CAR with a corrupted signature, even if its id is allowed unsigned',
      'CHASSIS_E_SIG_INVALID',
      async () => [
        await edit(await signedCar(vendor), (e) => {
          const sig = Buffer.from(e.get('META-INF/SIGNATURE')!);
          sig[0] ^= 0xff;
          e.set('META-INF/SIGNATURE', sig);
        }),
        { allowUnsigned: [ID] },
      ],
    ],
    [
      'a truncated signature',
      'CHASSIS_E_SIG_INVALID',
      async () => [
        await edit(await signedCar(vendor), (e) =>
          e.set('META-INF/SIGNATURE', e.get('META-INF/SIGNATURE')!.subarray(0, 10)),
        ),
      ],
    ],
    [
      'a signature without a certificate',
      'CHASSIS_E_SIG_INVALID',
      async () => [await edit(await signedCar(vendor), (e) => e.delete('META-INF/CERT.pem'))],
    ],
    [
      "a signature by vendor A presented with vendor B's certificate",
      'CHASSIS_E_SIG_INVALID',
      async () => {
        const other = await makeCert({ name: 'B', issuer: ca, prefixes: ['com.example.'] });
        return [
          await edit(await signedCar(vendor), (e) =>
            e.set('META-INF/CERT.pem', Buffer.from(other.certPem)),
          ),
        ];
      },
    ],
    [
      'a certificate not issued by the project CA',
      'CHASSIS_E_CERT_UNTRUSTED',
      async () => {
        const rogueCa = await makeCert({ name: 'Test Project CA', ca: true });
        const rogue = await makeCert({ name: 'R', issuer: rogueCa, prefixes: ['com.example.'] });
        return [await signedCar(rogue, ID, rogue.certPem + rogueCa.certPem)];
      },
    ],
    [
      'a certificate issued by a non-CA (vendor) certificate',
      'CHASSIS_E_CERT_NOT_CA',
      async () => {
        const sub = await makeCert({ name: 'Sub', issuer: vendor, prefixes: ['com.example.'] });
        return [await signedCar(sub, ID, sub.certPem + vendor.certPem)];
      },
    ],
    [
      'a certificate with the wrong key usage',
      'CHASSIS_E_CERT_KEY_USAGE',
      async () => {
        const web = await makeCert({
          name: 'Web',
          issuer: ca,
          eku: [SERVER_AUTH_OID],
          prefixes: ['com.example.'],
        });
        return [await signedCar(web)];
      },
    ],
    [
      'an expired certificate',
      'CHASSIS_E_CERT_EXPIRED',
      async () => {
        const old = await makeCert({
          name: 'Old',
          issuer: ca,
          notBefore: addDays(new Date(), -40),
          days: 10,
          prefixes: ['com.example.'],
        });
        return [await signedCar(old)];
      },
    ],
    [
      'a revoked certificate',
      'CHASSIS_E_CERT_REVOKED',
      async () => [
        await signedCar(vendor),
        { revocations: revocationsFor([vendor.cert.serialNumber]) },
      ],
    ],
    [
      'a forged revocation list (signed by another key)',
      'CHASSIS_E_CA_REVOCATIONS_INVALID',
      async () => {
        const forged = revocationsFor([]);
        const other = revocationsFor(['01']);
        return [
          await signedCar(vendor),
          { revocations: { signed: forged.signed, signature: other.signature } },
        ];
      },
    ],
    [
      'an older revocation list than already trusted',
      'CHASSIS_E_REPO_ROLLBACK',
      async () => [
        await signedCar(vendor),
        { revocations: revocationsFor([], 3), revocationsMinVersion: 4 },
      ],
    ],
    [
      "vendor A signing vendor B's driver id",
      'CHASSIS_E_CERT_ID_PREFIX',
      async () => [await signedCar(vendor, 'org.other.nvp')],
    ],
  ];

  for (const [name, code, build] of attacks) {
    it(`${name} → ${code}`, async () => {
      const [file, overrides] = await build();
      const before = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
      expect(await codeOf(verifyCarTrust(file, { caPem: ca.certPem, ...overrides }))).toBe(code);
      const after = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
      expect(after).toBe(before);
    });
  }
});
