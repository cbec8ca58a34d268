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

  it('two servers configured as members share drivers; each says it is a cluster member', async () => {
    const url = await pg.createDatabase();
    const start = async (name: string) => {
      const file = join(dir, `${name}.yaml`);
      await writeFile(
        file,
        [
          `dataDir: ${name}`,
          `trust: { allowUnsigned: [${ID}] }`,
          `state: { kind: postgres, url: "${url}" }`,
          `cluster: { memberId: ${name}, secretFile: secret, leaseTtlMs: 1500, forward: refuse }`,
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
  });
});
