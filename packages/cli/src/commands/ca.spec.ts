import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { loadRevocations, verifyCarTrust } from '@chassis/repository';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../__fixtures__/run.js';
import { unsignedCar } from '../__fixtures__/unsigned-car.js';
import { ExitCode } from '../run.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'chassis-cli-ca-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('chassis ca / car sign', () => {
  it('init → issue → sign → verify → revoke → refused, end to end', async () => {
    const ca = join(root, 'ca');
    const init = await run('ca', 'init', ca, '--name', 'Test Root');
    expect(init.code, init.err).toBe(ExitCode.ok);
    expect(init.out).toContain('Created CA "Test Root"');

    const prefix = join(root, 'example');
    const issue = await run(
      'ca',
      'issue',
      '--ca',
      ca,
      '--vendor',
      'Example Storage Inc.',
      '--id-prefix',
      'com.example.',
      '--days',
      '30',
      '--out',
      prefix,
      '--json',
    );
    expect(issue.code, issue.err).toBe(ExitCode.ok);
    const issued = JSON.parse(issue.out) as { serial: string; idPrefixes: string[] };
    expect(issued.idPrefixes).toEqual(['com.example.']);
    expect((await stat(`${prefix}.key`)).mode & 0o777).toBe(0o600);

    const car = await unsignedCar(join(root, 'sf.car'), 'com.example.solidfire');
    const out = join(root, 'sf.signed.car');
    const sign = await run(
      'car',
      'sign',
      car,
      '--key',
      `${prefix}.key`,
      '--cert',
      `${prefix}.pem`,
      '-o',
      out,
    );
    expect(sign.code, sign.err).toBe(ExitCode.ok);
    expect(sign.out).toContain('Signed com.example.solidfire');

    const caPem = await readFile(join(ca, 'ca.pem'), 'utf8');
    const trust = await verifyCarTrust(out, { caPem, revocations: await loadRevocations(ca) });
    expect(trust).toMatchObject({ signed: true, vendor: 'Example Storage Inc.' });
    expect(trust.serial).toBe(issued.serial);

    const revoke = await run(
      'ca',
      'revoke',
      '--ca',
      ca,
      '--cert',
      `${prefix}.pem`,
      '--reason',
      'keyCompromise',
    );
    expect(revoke.code, revoke.err).toBe(ExitCode.ok);
    expect(revoke.out).toContain('version 2');
    const refused = await verifyCarTrust(out, {
      caPem,
      revocations: await loadRevocations(ca),
    }).catch((err: unknown) => err);
    expect(ChassisError.is(refused, 'CHASSIS_E_CERT_REVOKED')).toBe(true);

    const again = await run('ca', 'revoke', '--ca', ca, '--serial', issued.serial, '--json');
    expect(JSON.parse(again.out)).toMatchObject({ changed: false, version: 2 });
  });

  it('reports typed failures on stderr with exit code 1', async () => {
    const ca = join(root, 'ca2');
    expect((await run('ca', 'init', ca)).code).toBe(ExitCode.ok);
    const twice = await run('ca', 'init', ca);
    expect(twice.code).toBe(ExitCode.failed);
    expect(twice.err).toMatch(/^CHASSIS_E_CA_EXISTS: /);

    const badPrefix = await run(
      'ca',
      'issue',
      '--ca',
      ca,
      '--vendor',
      'V',
      '--id-prefix',
      'Not A Prefix',
      '--out',
      join(root, 'bad'),
    );
    expect(badPrefix.err).toMatch(/^CHASSIS_E_CA_REQUEST_INVALID: /);

    const noCa = await run(
      'ca',
      'issue',
      '--ca',
      join(root, 'none'),
      '--vendor',
      'V',
      '--id-prefix',
      'com.v.',
      '--out',
      join(root, 'v'),
      '--json',
    );
    expect(noCa.code).toBe(ExitCode.failed);
    expect(JSON.parse(noCa.err).error.code).toBe('CHASSIS_E_CA_NOT_FOUND');

    const both = await run('ca', 'revoke', '--ca', ca);
    expect(both.err).toMatch(/^CHASSIS_E_CLI_USAGE: /);

    const prefix = join(root, 'other');
    const issueOther = () =>
      run('ca', 'issue', '--ca', ca, '--vendor', 'O', '--id-prefix', 'org.other.', '--out', prefix);
    await issueOther();
    const overwrite = await issueOther();
    expect(overwrite.err).toMatch(/^CHASSIS_E_CLI_USAGE: /);

    const half = join(root, 'half');
    await writeFile(`${half}.pem`, 'left over');
    const halfRun = await run(
      'ca',
      'issue',
      '--ca',
      ca,
      '--vendor',
      'H',
      '--id-prefix',
      'org.half.',
      '--out',
      half,
    );
    expect(halfRun.err).toMatch(/^CHASSIS_E_CLI_USAGE: /);
    await expect(stat(`${half}.key`)).rejects.toThrow();

    const car = await unsignedCar(join(root, 'x.car'), 'com.example.x');
    const before = await readFile(car);
    const foreign = await run(
      'car',
      'sign',
      car,
      '--key',
      `${prefix}.key`,
      '--cert',
      `${prefix}.pem`,
    );
    expect(foreign.err).toMatch(/^CHASSIS_E_CERT_ID_PREFIX: /);
    expect((await readFile(car)).equals(before)).toBe(true);

    await writeFile(join(root, 'junk.pem'), 'junk');
    const junk = await run(
      'car',
      'sign',
      car,
      '--key',
      join(root, 'junk.pem'),
      '--cert',
      `${prefix}.pem`,
    );
    expect(junk.err).toMatch(/^CHASSIS_E_CERT_MALFORMED: /);
  });

  it('exits 2 on a bad command line', async () => {
    const missing = await run('car', 'sign', 'x.car');
    expect(missing.code).toBe(ExitCode.usage);
    expect(missing.err).toContain("required option '--key <pem>' not specified");
    expect((await run('ca', 'issue', '--ca', root)).code).toBe(ExitCode.usage);
  });
});
