import type { ErrorCode } from '@chassis/kernel';
import { thrownCode as codeOf } from '@chassis/kernel/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyRevocationList } from '../ca/revocation-format.js';
import { addDays, fingerprint, x509 } from '../ca/x509.js';
import { makeCert, makePki, SERVER_AUTH_OID, type TestCert } from './__fixtures__/pki.js';
import { type SignerCheck, verifySignerCertificate } from './chain.js';

let ca: TestCert;
let vendor: TestCert;

beforeAll(async () => {
  ({ ca, vendor } = await makePki());
});

function check(overrides: Partial<SignerCheck> = {}): SignerCheck {
  return {
    chainPem: vendor.certPem,
    caPem: ca.certPem,
    driverId: 'com.example.solidfire',
    at: new Date(),
    ...overrides,
  };
}

describe('verifySignerCertificate', () => {
  it('accepts a vendor certificate issued by the project CA and reports who signed', () => {
    const id = verifySignerCertificate(check());
    expect(id.vendor).toBe('Example Storage Inc.');
    expect(id.idPrefixes).toEqual(['com.example.']);
    expect(id.serial).toBe(vendor.cert.serialNumber.replace(/^0+/, ''));
    expect(id.fingerprint256).toBe(fingerprint(vendor.cert.rawData));
    expect(new Date(id.notAfter).getTime()).toBe(vendor.cert.notAfter.getTime());
  });

  it('ignores extra certificates in the bundle when the vendor certificate chains to the CA', () => {
    expect(verifySignerCertificate(check({ chainPem: vendor.certPem + ca.certPem })).vendor).toBe(
      'Example Storage Inc.',
    );
  });

  const attacks: {
    name: string;
    code: ErrorCode;
    build: () => Promise<Partial<SignerCheck>>;
  }[] = [
    {
      name: 'certificate from another CA',
      code: 'CHASSIS_E_CERT_UNTRUSTED',
      build: async () => {
        const rogueCa = await makeCert({ name: 'Test Project CA', ca: true });
        const rogue = await makeCert({
          name: 'Example Storage Inc.',
          issuer: rogueCa,
          prefixes: ['com.example.'],
        });
        return { chainPem: rogue.certPem + rogueCa.certPem };
      },
    },
    {
      name: 'self-signed vendor certificate',
      code: 'CHASSIS_E_CERT_UNTRUSTED',
      build: async () => ({
        chainPem: (await makeCert({ name: 'Self', prefixes: ['com.example.'] })).certPem,
      }),
    },
    {
      name: 'certificate issued by a vendor (non-CA) certificate',
      code: 'CHASSIS_E_CERT_NOT_CA',
      build: async () => {
        const sub = await makeCert({ name: 'Sub', issuer: vendor, prefixes: ['com.example.'] });
        return { chainPem: sub.certPem + vendor.certPem };
      },
    },
    {
      name: 'configured CA that is not a CA',
      code: 'CHASSIS_E_CERT_NOT_CA',
      build: async () => {
        const sub = await makeCert({ name: 'Sub', issuer: vendor, prefixes: ['com.example.'] });
        return { chainPem: sub.certPem, caPem: vendor.certPem };
      },
    },
    {
      name: 'server-auth instead of code-signing EKU',
      code: 'CHASSIS_E_CERT_KEY_USAGE',
      build: async () => ({
        chainPem: (
          await makeCert({
            name: 'Web',
            issuer: ca,
            eku: [SERVER_AUTH_OID],
            prefixes: ['com.example.'],
          })
        ).certPem,
      }),
    },
    {
      name: 'no EKU at all',
      code: 'CHASSIS_E_CERT_KEY_USAGE',
      build: async () => ({
        chainPem: (await makeCert({ name: 'Bare', issuer: ca, eku: [], prefixes: ['com.'] }))
          .certPem,
      }),
    },
    {
      name: 'key usage without digitalSignature',
      code: 'CHASSIS_E_CERT_KEY_USAGE',
      build: async () => ({
        chainPem: (
          await makeCert({
            name: 'Enc',
            issuer: ca,
            keyUsage: x509.KeyUsageFlags.keyEncipherment,
            prefixes: ['com.example.'],
          })
        ).certPem,
      }),
    },
    {
      name: 'signing with a CA certificate',
      code: 'CHASSIS_E_CERT_KEY_USAGE',
      build: async () => ({ chainPem: ca.certPem }),
    },
    {
      name: 'expired vendor certificate',
      code: 'CHASSIS_E_CERT_EXPIRED',
      build: async () => ({
        chainPem: (
          await makeCert({
            name: 'Old',
            issuer: ca,
            notBefore: addDays(new Date(), -40),
            days: 10,
            prefixes: ['com.example.'],
          })
        ).certPem,
      }),
    },
    {
      name: 'signing time before the certificate was valid',
      code: 'CHASSIS_E_CERT_EXPIRED',
      build: async () => ({ at: addDays(new Date(), -30) }),
    },
    {
      name: 'publish time after the CA expired',
      code: 'CHASSIS_E_CERT_EXPIRED',
      build: async () => ({ at: addDays(new Date(), 5000) }),
    },
    {
      name: 'revoked certificate',
      code: 'CHASSIS_E_CERT_REVOKED',
      build: async () => ({
        revocations: {
          ...emptyRevocationList('x', new Date()),
          revoked: [
            {
              serial: vendor.cert.serialNumber.replace(/^0+/, ''),
              reason: 'keyCompromise',
              revokedAt: new Date().toISOString(),
            },
          ],
        },
      }),
    },
    {
      name: "vendor A signing vendor B's driver id",
      code: 'CHASSIS_E_CERT_ID_PREFIX',
      build: async () => ({ driverId: 'org.other.nvp' }),
    },
    {
      name: 'id that only shares the first letters of the prefix',
      code: 'CHASSIS_E_CERT_ID_PREFIX',
      build: async () => ({ driverId: 'com.examplevil.nvp' }),
    },
    {
      name: 'certificate without any id prefix',
      code: 'CHASSIS_E_CERT_ID_PREFIX',
      build: async () => ({
        chainPem: (await makeCert({ name: 'NoPrefix', issuer: ca })).certPem,
      }),
    },
    {
      name: 'garbage instead of a PEM',
      code: 'CHASSIS_E_CERT_MALFORMED',
      build: async () => ({ chainPem: 'not a certificate' }),
    },
  ];

  for (const attack of attacks) {
    it(`refuses ${attack.name} with ${attack.code}`, async () => {
      const overrides = await attack.build();
      expect(codeOf(() => verifySignerCertificate(check(overrides)))).toBe(attack.code);
    });
  }
});
