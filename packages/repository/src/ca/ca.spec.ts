import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejectionCode as codeOf } from '@chassis/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA_FILES } from './files.js';
import { initCa, loadCa } from './init.js';
import { issueVendorCertificate } from './issue.js';
import { parseCertificatePem } from './pem.js';
import { idPrefixesOf } from './profile.js';
import { CODE_SIGNING_OID } from './x509.js';

let root: string;
let caDir: string;

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chassis-ca-'));
  caDir = join(root, 'ca');
  await initCa(caDir, { name: 'Chassis Test Root CA', validDays: 100 });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('initCa', () => {
  it('writes a self-signed Ed25519 CA certificate and a 0600 PKCS#8 key', async () => {
    const pem = await readFile(join(caDir, CA_FILES.cert), 'utf8');
    const cert = new X509Certificate(pem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=Chassis Test Root CA');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe('ed25519');
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(100);
    const key = await readFile(join(caDir, CA_FILES.key), 'utf8');
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect((await stat(join(caDir, CA_FILES.key))).mode & 0o777).toBe(0o600);
    const ca = await loadCa(caDir);
    expect(ca.cert.getExtension('2.5.29.19')?.critical).toBe(true);
  });

  it('refuses to overwrite an existing CA', async () => {
    const before = await readFile(join(caDir, CA_FILES.key), 'utf8');
    expect(await codeOf(initCa(caDir))).toBe('CHASSIS_E_CA_EXISTS');
    expect(await readFile(join(caDir, CA_FILES.key), 'utf8')).toBe(before);
  });

  it('refuses a folder holding only a stray ca.pem, without writing a key', async () => {
    const dir = join(root, 'stray');
    await mkdir(dir);
    await writeFile(join(dir, CA_FILES.cert), 'x');
    expect(await codeOf(initCa(dir))).toBe('CHASSIS_E_CA_EXISTS');
    await expect(stat(join(dir, CA_FILES.key))).rejects.toThrow();
  });

  it('rejects bad names and validity periods', async () => {
    expect(await codeOf(initCa(join(root, 'a'), { name: '' }))).toBe(
      'CHASSIS_E_CA_REQUEST_INVALID',
    );
    expect(await codeOf(initCa(join(root, 'b'), { validDays: 0 }))).toBe(
      'CHASSIS_E_CA_REQUEST_INVALID',
    );
    expect(await codeOf(initCa(join(root, 'c'), { validDays: 1.5 }))).toBe(
      'CHASSIS_E_CA_REQUEST_INVALID',
    );
  });

  it('reports a missing CA with CHASSIS_E_CA_NOT_FOUND', async () => {
    expect(await codeOf(loadCa(join(root, 'nothing-here')))).toBe('CHASSIS_E_CA_NOT_FOUND');
  });
});

describe('issueVendorCertificate', () => {
  it('issues a CA:FALSE code-signing certificate carrying the id prefix', async () => {
    const issued = await issueVendorCertificate(caDir, {
      vendor: 'Example Storage, Inc.',
      idPrefix: 'com.example.',
      validDays: 30,
    });
    const cert = new X509Certificate(issued.certPem);
    const ca = new X509Certificate(await readFile(join(caDir, CA_FILES.cert)));
    expect(cert.ca).toBe(false);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.keyUsage).toEqual([CODE_SIGNING_OID]);
    expect(cert.subjectAltName).toBe('URI:chassis:id-prefix:com.example.');
    expect(issued.idPrefixes).toEqual(['com.example.']);
    expect(cert.serialNumber.toLowerCase()).toBe(issued.serial);
    const parsed = parseCertificatePem(issued.certPem, 'vendor');
    expect(parsed.subjectName.getField('O')).toEqual(['Example Storage, Inc.']);
    expect(idPrefixesOf(parsed)).toEqual(['com.example.']);
    expect(issued.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('carries several prefixes and never outlives the CA', async () => {
    const issued = await issueVendorCertificate(caDir, {
      vendor: 'Multi',
      idPrefix: ['com.example.', 'org.example'],
      validDays: 1000,
    });
    const ca = await loadCa(caDir);
    expect(issued.idPrefixes).toEqual(['com.example.', 'org.example']);
    expect(issued.notAfter.getTime()).toBe(ca.cert.notAfter.getTime());
  });

  const bad: [string, Parameters<typeof issueVendorCertificate>[1]][] = [
    ['an empty vendor', { vendor: '  ', idPrefix: 'com.example.' }],
    ['a vendor with control characters', { vendor: 'A\nB', idPrefix: 'com.example.' }],
    ['no prefix', { vendor: 'V', idPrefix: [] }],
    ['an upper-case prefix', { vendor: 'V', idPrefix: 'Com.Example.' }],
    ['a wildcard prefix', { vendor: 'V', idPrefix: '*' }],
    ['an empty prefix', { vendor: 'V', idPrefix: '' }],
    ['negative days', { vendor: 'V', idPrefix: 'com.example.', validDays: -1 }],
    [
      'a start after the CA expires',
      { vendor: 'V', idPrefix: 'com.x.', notBefore: new Date(4e12) },
    ],
  ];
  for (const [name, options] of bad) {
    it(`rejects ${name} with CHASSIS_E_CA_REQUEST_INVALID`, async () => {
      expect(await codeOf(issueVendorCertificate(caDir, options))).toBe(
        'CHASSIS_E_CA_REQUEST_INVALID',
      );
    });
  }

  it.skipIf(!hasOpenssl())('passes openssl verify against the CA', async () => {
    const issued = await issueVendorCertificate(caDir, {
      vendor: 'Example Storage Inc.',
      idPrefix: 'com.example.',
    });
    const file = join(root, 'vendor.pem');
    await writeFile(file, issued.certPem);
    const out = execFileSync('openssl', ['verify', '-CAfile', join(caDir, CA_FILES.cert), file], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe(`${file}: OK`);
  });

  it.skipIf(!hasOpenssl())('fails openssl verify against another CA', async () => {
    const other = join(root, 'other-ca');
    await initCa(other);
    const issued = await issueVendorCertificate(caDir, { vendor: 'V', idPrefix: 'com.v.' });
    const file = join(root, 'vendor-other.pem');
    await writeFile(file, issued.certPem);
    expect(() =>
      execFileSync('openssl', ['verify', '-CAfile', join(other, CA_FILES.cert), file], {
        stdio: 'pipe',
      }),
    ).toThrow();
  });
});
