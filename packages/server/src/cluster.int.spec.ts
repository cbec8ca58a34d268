import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { type PgTestCluster, pgSuite } from '@chassis/state-postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from './config/load.js';
import { type RunningServer, startServer } from './server.js';

const suite = pgSuite();
const ID = 'com.example.fixture';
const admin = { id: 'alice', roles: ['admin'] };

async function waitFor(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

async function waitForAsync(what: string, cond: () => Promise<boolean>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

describe.skipIf(!suite.available)('chassis-server with state.kind postgres', () => {
  let pg: PgTestCluster;
  let dir: string;
  const running: RunningServer[] = [];

  beforeAll(async () => {
    pg = await suite.start();
    dir = await mkdtemp(join(tmpdir(), 'chassis-server-cluster-'));
    await writeFile(join(dir, 'secret'), `${'k'.repeat(40)}\n`);
  });
  afterAll(async () => {
    for (const s of running.splice(0)) await s.stop();
    await suite.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('two servers configured as members share drivers and forward calls to the owner by default', async () => {
    const url = await pg.createDatabase();
    const start = async (name: string) => {
      const file = join(dir, `${name}.yaml`);
      await writeFile(
        file,
        [
          `dataDir: ${name}`,
          `trust: { allowUnsigned: [${ID}] }`,
          `state: { kind: postgres, url: "${url}" }`,
          `cluster: { memberId: ${name}, secretFile: secret, leaseTtlMs: 1500 }`,
          `kernel: { isolation: { default: in-process }, confinement: { trusted: [${ID}] } }`,
        ].join('\n'),
      );
      const lines: string[] = [];
      const s = await startServer(await loadServerConfig({ flags: { config: file } }), (l) =>
        lines.push(l),
      );
      running.push(s);
      return { s, lines };
    };
    const a = await start('a');
    const b = await start('b');
    expect(a.lines.join('\n')).toMatch(/== Cluster\n {2}cluster member a \(/);
    expect(a.lines.join('\n')).toMatch(
      /inter-server channel http:\/\/127\.0\.0\.1:\d+; calls on resources other members own are forwarded to the owner/,
    );
    const car = await buildFixtureCar(join(dir, 'cars'), { id: ID, version: '1.0.0' });
    await a.s.runtime.install({ kind: 'file', path: car }, admin);
    await waitFor('1.0.0 Running on b', () =>
      b.s.runtime.listDrivers().some((d) => d.versions.some((v) => v.state === 'Running')),
    );
    const members = (await b.s.runtime.cluster?.members()) ?? [];
    expect(members.map((m) => [m.memberId, m.alive, m.self])).toEqual([
      ['a', true, false],
      ['b', true, true],
    ]);
    expect(members.filter((m) => m.leader)).toHaveLength(1);
    // Resources go to members that run their driver as they published it: wait until A reads
    // B's Running, or they would all start on A and some move to B right after.
    await waitForAsync('A sees 1.0.0 Running on b', async () =>
      ((await a.s.runtime.cluster?.members()) ?? []).some(
        (m) => m.memberId === 'b' && m.drivers.some((d) => d.state === 'Running'),
      ),
    );
    const ids = ['s1', 's2', 's3', 's4'];
    for (const id of ids)
      await a.s.runtime.createResource(
        { id, kind: 'pool', driverId: ID, properties: { mVip: '10.0.0.1', password: 'hunter2' } },
        admin,
      );
    // Each resource gets exactly one local compartment, on its owner (bounded poll).
    const hosts = (id: string) => [a, b].filter((m) => m.s.runtime.resources.find(id)).length;
    await waitFor('every resource hosted once', () => ids.every((id) => hosts(id) === 1));
    // Both servers answer for every resource: the non-owner forwards over the channel.
    for (const id of ids)
      for (const m of [a, b])
        expect(await m.s.runtime.router.call(id, 'storage.primary', 'whoami', [])).toBe('1.0.0');
  });
});
