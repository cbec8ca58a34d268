import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { type PgTestCluster, pgSuite } from '@chassis/state-postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterMember } from './member.js';
import { memberFactory, waitFor } from './testing.js';

// Slow (a second Node process on a busy machine): behind a flag. The always-on path is the
// in-process owner death in member.int.spec.ts (`halt()`: no heartbeats, leases left to expire).
const enabled = process.env.CHASSIS_TEST_CLUSTER_KILL === '1';
const suite = pgSuite();
const ID = 'com.example.fixture';
const admin = { id: 'alice', roles: ['admin'] };
const props = { mVip: '10.0.0.1', password: 'hunter2' };
const FIXTURE = fileURLToPath(new URL('./__fixtures__/member-process.mjs', import.meta.url));

describe.skipIf(!suite.available || !enabled)('kill -9 of a member process', () => {
  let pg: PgTestCluster;
  let root: string;
  let child: ChildProcess | undefined;
  const members: ClusterMember[] = [];

  beforeAll(async () => {
    pg = await suite.start();
    root = await mkdtemp(join(tmpdir(), 'chassis-cluster-kill-'));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    for (const m of members) await m.stop();
    await suite.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('its resources move to the survivors and serve there; nothing is owned twice', async () => {
    const url = await pg.createDatabase();
    const member = memberFactory(root, [ID]);
    const a = await member('ka', url);
    const b = await member('kb', url);
    members.push(a, b);
    await a.runtime.install(
      {
        kind: 'file',
        path: await buildFixtureCar(join(root, 'cars'), { id: ID, version: '1.0.0' }),
      },
      admin,
    );
    const ids = Array.from({ length: 12 }, (_, i) => `k-${i}`);
    for (const id of ids)
      await a.runtime.createResource({ id, kind: 'pool', driverId: ID, properties: props }, admin);
    const proc = spawn(process.execPath, [FIXTURE, url, join(root, 'kc'), 'kc', ID], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      proc.stdout?.on('data', (d: Buffer) => String(d).includes('ready') && resolve());
      proc.once('exit', (code) => reject(new Error(`member process exited ${code}`)));
    });
    let victims: string[] = [];
    await waitFor(
      'the child to own its share',
      async () => {
        victims = (await a.members()).find((m) => m.memberId === 'kc')?.resources.slice() ?? [];
        return victims.length > 0;
      },
      30_000,
    );
    proc.kill('SIGKILL');
    await waitFor(
      'every resource owned by a survivor',
      async () => {
        const views = await b.members();
        const owned = views.filter((m) => m.memberId !== 'kc').flatMap((m) => m.resources);
        return owned.length === ids.length && new Set(owned).size === ids.length;
      },
      1200 * 2 + 5000,
    );
    for (const id of victims) {
      const owner = (await a.members()).find((m) => m.resources.includes(id))?.memberId;
      const m = owner === 'ka' ? a : b;
      await waitFor('the heir opens it', () => m.runtime.resources.find(id) !== undefined);
      expect(await m.runtime.router.call(id, 'storage.primary', 'whoami', [])).toBe('1.0.0');
    }
    expect((await a.members()).find((m) => m.memberId === 'kc')?.alive).toBe(false);
  });
});
