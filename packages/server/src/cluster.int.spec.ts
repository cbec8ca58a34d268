import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, ID, serverClusterSuite, waitFor } from './__fixtures__/cluster-servers.js';
import type { RunningServer } from './server.js';

const suite = serverClusterSuite('cluster');

describe.skipIf(!suite.available)('chassis-server with state.kind postgres', () => {
  beforeAll(suite.setUp);
  afterAll(suite.tearDown);

  it('two servers configured as members share drivers and forward calls to the owner by default', async () => {
    const url = await suite.pg.createDatabase();
    const start = (name: string) => suite.start(name, url);
    const a = await start('a');
    const b = await start('b');
    expect(a.lines.join('\n')).toMatch(/== Cluster\n {2}cluster member a \(/);
    expect(a.lines.join('\n')).toMatch(
      /inter-server channel http:\/\/127\.0\.0\.1:\d+; calls on resources other members own are forwarded to the owner/,
    );
    const car = await buildFixtureCar(join(suite.dir, 'cars'), { id: ID, version: '1.0.0' });
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
    await waitFor('A sees 1.0.0 Running on b', async () =>
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
    // Both servers answer for every resource: the non-owner forwards over the channel. A call
    // made while a resource still moves (placement settles after both members published their
    // states) fails retryably (`details.retryable`), as a caller would see it; it is retried,
    // bounded, and any other failure fails the test.
    const call = async (m: typeof a, id: string): Promise<unknown> => {
      for (let i = 0; ; i++) {
        try {
          return await m.s.runtime.router.call(id, 'storage.primary', 'whoami', []);
        } catch (err) {
          const retryable = (err as { details?: { retryable?: unknown } }).details?.retryable;
          if (retryable !== true || i >= 40) throw err;
          await sleep(50);
        }
      }
    };
    for (const id of ids) for (const m of [a, b]) expect(await call(m, id)).toBe('1.0.0');
  });

  it('an upgrade accepted over HTTP by a non-leader is followed on the leader; cluster.rollout reaches the member', async () => {
    const url = await suite.pg.createDatabase();
    const token = 'cluster-http-admin-token-0123456789';
    const start = async (name: string) =>
      (
        await suite.start(`h${name}`, url, {
          lines: [`admin: { port: 0, tokens: [{ token: ${token}, role: admin }] }`],
          cluster:
            'rollout: { requestTimeoutMs: 60000, retention: { keepPerDriver: 1, requestGraceMs: 0, pruneEveryMs: 1000 } }',
        })
      ).s;
    const a = await start('a');
    const b = await start('b');
    const http = async (s: RunningServer, method: string, path: string, body?: object) => {
      const res = await fetch(new URL(path, s.adminUrl), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json', prefer: 'respond-async' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const json = (await res.json()) as { id: string; state: string; code?: string };
      return { status: res.status, location: res.headers.get('location'), body: json };
    };
    for (const v of ['1.0.0', '1.1.0']) {
      const car = await buildFixtureCar(join(suite.dir, `hcars-${v}`), { id: ID, version: v });
      await a.runtime.install({ kind: 'file', path: car }, admin);
      await waitFor(`${v} on b`, () =>
        b.runtime.listDrivers().some((d) => d.versions.some((x) => x.version === v)),
      );
    }
    await a.runtime.createResource(
      {
        id: 'h1',
        kind: 'pool',
        driverId: ID,
        properties: { mVip: '10.0.0.1', password: 'hunter2' },
      },
      admin,
    );
    let members = (await a.runtime.cluster?.members()) ?? [];
    for (let i = 0; i < 400 && !members.some((m) => m.leader); i++) {
      await sleep(25);
      members = (await a.runtime.cluster?.members()) ?? [];
    }
    const leaderId = members.find((m) => m.leader)?.memberId;
    expect(leaderId).toBeDefined();
    const [sender, follower] = leaderId === 'ha' ? [b, a] : [a, b];
    const follow = async (href: string) => {
      for (let i = 0; i < 800; i++) {
        const { body } = await http(follower, 'GET', href);
        if (body.state !== 'accepted' && body.state !== 'running') return body;
        await sleep(25);
      }
      throw new Error(`${href} did not end`);
    };
    const up = await http(sender, 'POST', `/api/drivers/${ID}/upgrade`, { version: '1.1.0' });
    expect(up.status).toBe(202);
    expect(up.location).toBe(`/api/upgrades/${up.body.id}`);
    expect(await follow(up.location as string)).toMatchObject({
      state: 'succeeded',
      leader: leaderId,
      record: { to: '1.1.0' },
    });
    const back = await http(sender, 'POST', `/api/drivers/${ID}/rollback`, { to: '1.0.0' });
    expect(back.status).toBe(202);
    expect(await follow(back.location as string)).toMatchObject({ state: 'succeeded' });
    // The member got the configured retention: one finished rollout kept, the first pruned.
    let gone: { status: number; body: { code?: string } } | undefined;
    for (let i = 0; i < 400 && gone?.status !== 404; i++) {
      gone = await http(follower, 'GET', up.location as string);
      await sleep(25);
    }
    expect([gone?.status, gone?.body.code]).toEqual([404, 'CHASSIS_E_UPGRADE_NOT_FOUND']);
  });
});
