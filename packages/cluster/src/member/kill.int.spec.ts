import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, clusterSuite, props, waitFor } from './testing.js';

// Slow (a second Node process on a busy machine): behind a flag. The always-on path is the
// in-process owner death in member.int.spec.ts (`halt()`: no heartbeats, leases left to expire).
const enabled = process.env.CHASSIS_TEST_CLUSTER_KILL === '1';
const ID = 'com.example.fixture';
const suite = clusterSuite({ name: 'cluster-kill', driverId: ID, cars: { '1.0.0': undefined } });
const FIXTURE = fileURLToPath(new URL('./__fixtures__/member-process.mjs', import.meta.url));

describe.skipIf(!suite.available || !enabled)('kill -9 of a member process', () => {
  let child: ChildProcess | undefined;

  beforeAll(suite.setUp);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await suite.tearDown();
  });

  it('its resources move to the survivors and serve there; nothing is owned twice', async () => {
    const url = await suite.pg.createDatabase();
    const a = await suite.start('ka', url);
    const b = await suite.start('kb', url);
    await a.runtime.install({ kind: 'file', path: suite.cars['1.0.0'] as string }, admin);
    const ids = Array.from({ length: 12 }, (_, i) => `k-${i}`);
    for (const id of ids)
      await a.runtime.createResource({ id, kind: 'pool', driverId: ID, properties: props }, admin);
    const proc = spawn(process.execPath, [FIXTURE, url, join(suite.root, 'kc'), 'kc', ID], {
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
