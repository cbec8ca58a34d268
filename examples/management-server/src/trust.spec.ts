import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChassisError } from '@chassis/kernel';
import { initCa, initRepository } from '@chassis/repository';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REPOSITORY_DIR } from './paths.js';
import { createRepositorySetup, EXAMPLE_UNSIGNED_IDS, type TrustOptions } from './trust.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chassis-trust-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    return ChassisError.is(err) ? err.code : `not a ChassisError: ${String(err)}`;
  }
  return undefined;
}

// The packed example CARs are unsigned (the build does not sign them).
const UNSIGNED_SOLIDFIRE = join(DEFAULT_REPOSITORY_DIR, 'com.example.solidfire-1.0.0.car');

describe('createRepositorySetup', () => {
  it.each<[string, TrustOptions, string[], string | undefined]>([
    ['no CA: the three example drivers allowed unsigned', {}, [...EXAMPLE_UNSIGNED_IDS], undefined],
    [
      'no CA, other ids allowed: the example driver refused',
      { allowUnsigned: ['com.example.nvp'] },
      ['com.example.nvp'],
      'CHASSIS_E_SIG_UNSIGNED',
    ],
    ['nothing allowed unsigned', { allowUnsigned: [] }, [], 'CHASSIS_E_SIG_UNSIGNED'],
  ])('%s', async (_what, trust, allowed, code) => {
    const setup = await createRepositorySetup(join(dir, 'data'), trust);
    expect(setup.allowUnsigned).toEqual(allowed);
    expect(setup.access).toBeUndefined();
    expect(setup.lines.join('\n')).toContain(
      allowed.length
        ? `unsigned CARs allowed only for ${allowed.join(', ')}`
        : 'unsigned CARs are refused',
    );
    expect(await codeOf(() => setup.verify(UNSIGNED_SOLIDFIRE))).toBe(code);
  });

  it('verifies an allowed unsigned CAR as unsigned', async () => {
    const setup = await createRepositorySetup(join(dir, 'data'));
    const car = join(dir, 'copy.car');
    await copyFile(UNSIGNED_SOLIDFIRE, car);
    await expect(setup.verify(car)).resolves.toEqual({ signed: false });
  });

  it.each<[string, TrustOptions, { url: string; trustedRoot: string } | undefined, string]>([
    ['a missing CA file', { ca: '/nonexistent/ca.pem' }, undefined, 'CHASSIS_E_CERT_MALFORMED'],
    [
      'a missing trusted root',
      {},
      { url: '/nonexistent/repo', trustedRoot: '/nonexistent/root.json' },
      'CHASSIS_E_REPO_METADATA_INVALID',
    ],
  ])('fails the start on %s', async (_what, trust, tuf, code) => {
    expect(await codeOf(() => createRepositorySetup(join(dir, 'data'), trust, tuf))).toBe(code);
  });

  it('fails the start on an invalid revocation file, with a TUF repository or without', async () => {
    const ca = join(dir, 'ca');
    const repo = join(dir, 'repo');
    await initCa(ca, { name: 'Trust Test CA' });
    await initRepository(repo, { keysDir: join(dir, 'keys') });
    const list = JSON.parse(await readFile(join(ca, 'revocations.json'), 'utf8'));
    list.signed.version = 7; // no longer what the CA signed
    const tampered = join(dir, 'tampered.json');
    await writeFile(tampered, JSON.stringify(list));
    const trust = { ca: join(ca, 'ca.pem'), revocations: tampered };
    expect(await codeOf(() => createRepositorySetup(join(dir, 'data'), trust))).toBe(
      'CHASSIS_E_CA_REVOCATIONS_INVALID',
    );
    const tuf = { url: repo, trustedRoot: join(repo, '1.root.json') };
    expect(await codeOf(() => createRepositorySetup(join(dir, 'data2'), trust, tuf))).toBe(
      'CHASSIS_E_CA_REVOCATIONS_INVALID',
    );
    // The untampered list starts.
    const good = { ca: join(ca, 'ca.pem'), revocations: join(ca, 'revocations.json') };
    expect(
      await codeOf(() => createRepositorySetup(join(dir, 'data3'), good, tuf)),
    ).toBeUndefined();
  });
});
