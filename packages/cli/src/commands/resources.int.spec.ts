import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AdminServer, createAdminServer } from '@chassis/admin';
import { createExtensionPoint } from '@chassis/kernel';
import { type FixtureServer, fixtureServer } from '@chassis/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../__fixtures__/run.js';
import { ExitCode } from '../run.js';

const ID = 'com.example.fixture';
const ADMIN = 'cli-res-admin-token-0123456789';
const VIEWER = 'cli-res-viewer-token-0123456789';
let fixture: FixtureServer;
let admin: AdminServer;
let url: string;
const as =
  (token: string) =>
  (...argv: string[]) =>
    run(...argv, '--url', url, '--token', token);
const cli = as(ADMIN);

beforeAll(async () => {
  fixture = await fixtureServer({
    repo: [
      { id: ID, version: '1.0.0' },
      { id: ID, version: '1.1.0' },
    ],
    trusted: [ID],
    extensionPoints: [createExtensionPoint('storage.primary', '1.0.0', { safe: ['whoami'] })],
  });
  admin = createAdminServer({
    runtime: fixture.server.runtime,
    logger: false,
    auth: {
      tokens: {
        [ADMIN]: { id: 'cli', roles: ['admin'] },
        [VIEWER]: { id: 'v', roles: ['viewer'] },
      },
    },
  });
  url = await admin.listen({ port: 0 });
});
afterAll(async () => {
  await admin?.close();
  await fixture?.close();
});

/** `chassis resources …` and the upgrade plan, black-box against the real runtime. */
describe('chassis resources / drivers upgrade (real runtime)', () => {
  it('creates resources with typed key=value pairs, shows them masked, lists with filters', async () => {
    for (const id of ['pool-a', 'pool-b']) {
      const made = await cli(
        'resources',
        'create',
        id,
        '--driver',
        ID,
        'mVip=10.0.0.1',
        'mPort=8443',
        'password=hunter2',
      );
      expect([made.code, made.out.trim()]).toEqual([0, `created ${id} (${ID}@1.0.0)`]);
    }
    const bad = await cli('resources', 'create', 'pool-x', '--driver', ID, 'mPort=80');
    expect([bad.code, bad.err.split(':')[0]]).toEqual([1, 'CHASSIS_E_PROPS_INVALID']);
    const show = await cli('resources', 'show', 'pool-a');
    expect(show.out).toContain(`bound to ${ID}@1.0.0`);
    expect(show.out).toMatch(/mPort\s+8443/);
    expect(show.out).not.toContain('hunter2');
    const list = await cli('resources', 'list', '--version', '1.0.0');
    expect(list.out).toMatch(/^RESOURCE\s+KIND\s+DRIVER\s+VERSION\s+STATE\s+PINNED/);
    expect(list.out).toMatch(/pool-b\s+pool\s+com\.example\.fixture\s+1\.0\.0\s+active/);
    const none = await cli('resources', 'list', '--version', '9.9.9');
    expect(none.out).toContain('no resources');
    const state = await cli('resources', 'list', '--state', 'bogus');
    expect(state.code).toBe(ExitCode.usage);
    const updated = await cli('resources', 'update', 'pool-b', 'mPort=9443');
    expect(updated.out).toMatch(/mPort\s+9443/);
  });

  it('tests a resource: health, a read-only operation, and an unsafe one refused', async () => {
    const health = await cli('resources', 'test', 'pool-a');
    expect(health.out).toMatch(/^pool-a \(com\.example\.fixture@1\.0\.0\) health: ok in \d+ ms/);
    const op = await cli('resources', 'test', 'pool-a', '--operation', 'whoami', '--json');
    expect(JSON.parse(op.out)).toMatchObject({ ok: true, result: '1.0.0' });
    const unsafe = await cli('resources', 'test', 'pool-a', '--operation', 'echo');
    expect([unsafe.code, unsafe.err.split(':')[0]]).toEqual([1, 'CHASSIS_E_RESOURCE_OP_NOT_SAFE']);
    const viewer = await as(VIEWER)('resources', 'test', 'pool-a');
    expect(viewer.err.split(':')[0]).toBe('CHASSIS_E_AUTH_DENIED');
  });

  it('shows the plan, refuses without a terminal unless --yes, moves only --resources', async () => {
    const plan = await cli('drivers', 'upgrade', ID, '--version', '1.1.0', '--plan');
    expect(plan.code).toBe(0);
    expect(plan.out).toContain(`upgrade ${ID} 1.0.0 → 1.1.0 · policy one-at-a-time`);
    expect(plan.out).toMatch(/1\s+pool-a\s+yes/);
    expect(plan.out).toMatch(/2\s+pool-b\s+yes/);
    expect(plan.out).toMatch(/configuration\s+ok/);
    expect(plan.out).toMatch(/signer\s+unchanged \(unsigned\)/);
    const refused = await cli('drivers', 'upgrade', ID, '--version', '1.1.0');
    expect(refused.code).toBe(ExitCode.usage);
    expect(refused.err).toContain('pass --yes');
    // The plan was shown to whoever would have confirmed.
    expect(refused.out).toContain(`upgrade ${ID} 1.0.0 → 1.1.0 · policy one-at-a-time`);
    expect(fixture.server.runtime.getResource('pool-a').binding.version).toBe('1.0.0');
    const partial = await cli(
      'drivers',
      'upgrade',
      ID,
      '--version',
      '1.1.0',
      '--resources',
      'pool-b',
      '--yes',
    );
    expect(partial.code).toBe(0);
    expect(partial.out).toBe(`upgrade ${ID} 1.0.0 → 1.1.0: succeeded; moved pool-b\n`);
    expect(fixture.server.runtime.getResource('pool-b').binding.version).toBe('1.1.0');
    expect(fixture.server.runtime.getResource('pool-a').binding.version).toBe('1.0.0');
  });

  it('pins and unpins a resource', async () => {
    const pin = await cli('resources', 'pin', 'pool-b', '1.0.0');
    expect(pin.out.trim()).toBe(`pinned pool-b to ${ID}@1.0.0`);
    const list = await cli('resources', 'list');
    expect(list.out).toMatch(/pool-b\s+pool\s+com\.example\.fixture\s+1\.0\.0\s+active\s+yes/);
    const unpin = await cli('resources', 'unpin', 'pool-b');
    expect(unpin.out.trim()).toBe(`unpinned pool-b (${ID}@1.0.0)`);
  });

  it('deletes a resource; a second delete is a typed not-found', async () => {
    const del = await cli('resources', 'delete', 'pool-a');
    expect([del.code, del.out.trim()]).toEqual([0, 'deleted pool-a']);
    const again = await cli('resources', 'delete', 'pool-a');
    expect([again.code, again.err.split(':')[0]]).toEqual([1, 'CHASSIS_E_RESOURCE_NOT_FOUND']);
  });
});

describe('chassis drivers install (errors)', () => {
  it("names the operator's file, not the server's temp path", async () => {
    const file = join(fixture.root, 'broken.car');
    await writeFile(file, 'not a zip at all');
    const res = await cli('drivers', 'install', file);
    expect(res.code).toBe(1);
    expect(res.err).toContain(file);
    expect(res.err).not.toContain('upload.car');
  });
});
