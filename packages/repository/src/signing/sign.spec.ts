import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCar, readCarEntries, writeCar } from '@chassis/car';
import type { ErrorCode } from '@chassis/kernel';
import { rejectionCode as codeOf } from '@chassis/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDriverCar } from './__fixtures__/car.js';
import { makeCert, makePki, SERVER_AUTH_OID, type TestCert } from './__fixtures__/pki.js';
import { signCar } from './sign.js';

let root: string;
let ca: TestCert;
let vendor: TestCert;
let counter = 0;

async function freshCar(id?: string): Promise<string> {
  counter += 1;
  return writeDriverCar(join(root, `d${counter}.car`), id);
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chassis-sign-'));
  ({ ca, vendor } = await makePki());
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('signCar', () => {
  it('adds META-INF/SIGNATURE and META-INF/CERT.pem and keeps the manifest bytes', async () => {
    const car = await freshCar();
    const before = await readCar(car);
    const result = await signCar(car, { keyPem: vendor.keyPem, certPem: vendor.certPem });
    const after = await readCar(car);
    expect(after.manifestBytes.equals(before.manifestBytes)).toBe(true);
    expect(after.signature?.length).toBe(64);
    expect(after.certificatePem).toBe(vendor.certPem);
    expect(result.sha256).toBe(after.sha256);
    expect(result.driverId).toBe('com.example.solidfire');
    const entries = await readCarEntries(car);
    expect([...entries.keys()]).toContain('META-INF/SIGNATURE');
  });

  it('is reproducible: the same CAR and key give the same bytes, in place or to -o', async () => {
    const a = await freshCar();
    const b = await freshCar();
    const out = join(root, 'out.car');
    const first = await signCar(a, { keyPem: vendor.keyPem, certPem: vendor.certPem });
    const second = await signCar(b, { keyPem: vendor.keyPem, certPem: vendor.certPem, out });
    expect(second.sha256).toBe(first.sha256);
    expect(await sha256(out)).toBe(await sha256(a));
    const resigned = await signCar(a, { keyPem: vendor.keyPem, certPem: vendor.certPem });
    expect(resigned.sha256).toBe(first.sha256);
  });

  it('leaves the input untouched when writing to -o', async () => {
    const car = await freshCar();
    const before = await sha256(car);
    await signCar(car, { keyPem: vendor.keyPem, certPem: vendor.certPem, out: `${car}.signed` });
    expect(await sha256(car)).toBe(before);
  });

  it.skipIf(
    (() => {
      try {
        execFileSync('openssl', ['version'], { stdio: 'ignore' });
        return false;
      } catch {
        return true;
      }
    })(),
  )('writes a CERT.pem that openssl verifies against the CA', async () => {
    const car = await freshCar();
    await signCar(car, { keyPem: vendor.keyPem, certPem: vendor.certPem });
    const { certificatePem } = await readCar(car);
    await writeFile(join(root, 'ca.pem'), ca.certPem);
    await writeFile(join(root, 'cert.pem'), certificatePem as string);
    const out = execFileSync(
      'openssl',
      ['verify', '-CAfile', join(root, 'ca.pem'), join(root, 'cert.pem')],
      { encoding: 'utf8' },
    );
    expect(out).toContain(': OK');
  });

  const refusals: [
    string,
    ErrorCode,
    () => Promise<[string, { keyPem: string; certPem: string }]>,
  ][] = [
    [
      'a key that does not belong to the certificate',
      'CHASSIS_E_SIG_KEY_MISMATCH',
      async () => [await freshCar(), { keyPem: ca.keyPem, certPem: vendor.certPem }],
    ],
    [
      "another vendor's driver id",
      'CHASSIS_E_CERT_ID_PREFIX',
      async () => [
        await freshCar('org.other.nvp'),
        { keyPem: vendor.keyPem, certPem: vendor.certPem },
      ],
    ],
    [
      'a certificate without code signing',
      'CHASSIS_E_CERT_KEY_USAGE',
      async () => {
        const web = await makeCert({
          name: 'Web',
          issuer: ca,
          eku: [SERVER_AUTH_OID],
          prefixes: ['com.example.'],
        });
        return [await freshCar(), { keyPem: web.keyPem, certPem: web.certPem }];
      },
    ],
    [
      'a garbage certificate',
      'CHASSIS_E_CERT_MALFORMED',
      async () => [await freshCar(), { keyPem: vendor.keyPem, certPem: 'nope' }],
    ],
    [
      'a garbage key',
      'CHASSIS_E_CERT_MALFORMED',
      async () => [await freshCar(), { keyPem: 'nope', certPem: vendor.certPem }],
    ],
    [
      'a tampered CAR',
      'CHASSIS_E_CAR_DIGEST_MISMATCH',
      async () => {
        const car = await freshCar();
        const entries = await readCarEntries(car);
        entries.set('classes/util.js', Buffer.from('export const x = 2;\n'));
        await writeCar(entries, car);
        return [car, { keyPem: vendor.keyPem, certPem: vendor.certPem }];
      },
    ],
  ];
  for (const [name, code, build] of refusals) {
    it(`refuses ${name} with ${code} and writes nothing`, async () => {
      const [car, options] = await build();
      const before = await sha256(car);
      expect(await codeOf(signCar(car, options))).toBe(code);
      expect(await sha256(car)).toBe(before);
    });
  }

  it('refuses a missing CAR with the car code', async () => {
    expect(
      await codeOf(
        signCar(join(root, 'missing.car'), { keyPem: vendor.keyPem, certPem: vendor.certPem }),
      ),
    ).toBe('CHASSIS_E_CAR_NOT_FOUND');
  });
});
