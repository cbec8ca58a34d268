import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../__fixtures__/run.js';
import { unsignedCar } from '../__fixtures__/unsigned-car.js';
import { ExitCode } from '../run.js';

// `chassis car verify <file> --ca <ca.pem> [--revocations <file>]`: the server's trust
// decision, seen by the vendor before shipping (typed codes, exit status).

let root: string;
let ca: string;
let signed: string;
let unsigned: string;
let vendorPem: string;

async function ok(...args: string[]): Promise<string> {
  const r = await run(...args);
  expect(r.code, r.err).toBe(ExitCode.ok);
  return r.out;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chassis-cli-verify-'));
  ca = join(root, 'ca');
  await ok('ca', 'init', ca, '--name', 'Test Root');
  const vendor = join(root, 'example');
  await ok(
    'ca',
    'issue',
    '--ca',
    ca,
    '--vendor',
    'Example Storage Inc.',
    '--id-prefix',
    'com.example.',
    '--out',
    vendor,
  );
  vendorPem = `${vendor}.pem`;
  unsigned = await unsignedCar(join(root, 'sf.car'), 'com.example.solidfire');
  signed = join(root, 'sf.signed.car');
  await ok('car', 'sign', unsigned, '--key', `${vendor}.key`, '--cert', vendorPem, '-o', signed);
}, 60_000);

afterAll(() => rm(root, { recursive: true, force: true }));

describe('chassis car verify --ca', () => {
  it('says who signed and that the certificate chains to the CA, not revoked', async () => {
    const caPem = join(ca, 'ca.pem');
    expect(await ok('car', 'verify', signed)).toContain('signed (not verified here; add --ca)');
    const out = await ok(
      'car',
      'verify',
      signed,
      '--ca',
      caPem,
      '--revocations',
      join(ca, 'revocations.json'),
    );
    expect(out).toMatch(
      /^OK com\.example\.solidfire@1\.0\.0: .*signed by ".*" \(Example Storage Inc\.\), chains to the CA, not revoked \(list v1\)/,
    );
    const j = JSON.parse(await ok('car', 'verify', signed, '--ca', caPem, '--json'));
    expect(j).toMatchObject({ ok: true, trust: { vendor: 'Example Storage Inc.' } });
    expect(j.trust.revocations).toMatch(/not checked/);
  });

  it('exits 1 with the typed code a server would answer', async () => {
    const caPem = join(ca, 'ca.pem');
    const other = join(root, 'other-ca');
    await ok('ca', 'init', other, '--name', 'Other Root');
    const untrusted = await run('car', 'verify', signed, '--ca', join(other, 'ca.pem'));
    expect(untrusted.code).toBe(ExitCode.failed);
    expect(untrusted.err).toMatch(/^CHASSIS_E_CERT_UNTRUSTED: /);

    const noSig = await run('car', 'verify', unsigned, '--ca', caPem);
    expect(noSig.code).toBe(ExitCode.failed);
    expect(noSig.err).toMatch(/^CHASSIS_E_SIG_UNSIGNED: /);

    // A list from another CA is refused as such, not silently ignored.
    const foreign = await run(
      'car',
      'verify',
      signed,
      '--ca',
      caPem,
      '--revocations',
      join(other, 'revocations.json'),
    );
    expect(foreign.err).toMatch(/^CHASSIS_E_CA_REVOCATIONS_INVALID: /);

    await ok('ca', 'revoke', '--ca', ca, '--cert', vendorPem, '--reason', 'keyCompromise');
    const revoked = await run(
      'car',
      'verify',
      signed,
      '--ca',
      caPem,
      '--revocations',
      join(ca, 'revocations.json'),
    );
    expect(revoked.code).toBe(ExitCode.failed);
    expect(revoked.err).toMatch(/^CHASSIS_E_CERT_REVOKED: /);
    const revokedJson = await run(
      'car',
      'verify',
      signed,
      '--ca',
      caPem,
      '--revocations',
      join(ca, 'revocations.json'),
      '--json',
    );
    expect(revokedJson.code).toBe(ExitCode.failed);
  });

  it('--revocations without --ca is a usage error (exit 2)', async () => {
    const r = await run('car', 'verify', signed, '--revocations', join(ca, 'revocations.json'));
    expect(r.code).toBe(ExitCode.usage);
    expect(r.err).toMatch(/CHASSIS_E_CLI_USAGE/);
  });
});
