import { setTimeout as sleep } from 'node:timers/promises';
import { ChassisError } from '@chassis/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCarStore } from './car-store.js';
import { type ChangeEvent, ChangeFeed } from './change-feed.js';
import { PostgresDatabase } from './database.js';
import { fencedDelete, fencedPut } from './fenced-write.js';
import { LeaderElector } from './leader.js';
import { LeaseManager } from './leases.js';
import { Membership } from './membership.js';
import { OwnershipAgent } from './ownership.js';
import { PostgresStateStore } from './postgres-state-store.js';
import { pgSuite } from './testing/pg-suite.js';

const suite = pgSuite();

/** Bounded poll: resolves when `cond` holds, throws after `ms`. */
async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

async function expectCode(p: Promise<unknown>, code: string) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ChassisError.is(err) ? err.code : String(err)).toBe(code);
}

describe.skipIf(!suite.available)('cluster primitives: three members on one PostgreSQL', () => {
  let url = '';
  const dbs: PostgresDatabase[] = [];
  const closeLater: (() => unknown)[] = [];
  /** One "server": its own pool, as a separate process would have. */
  const server = async (schema = 'chassis') => {
    const db = await PostgresDatabase.open({
      connectionString: url,
      schema,
      reconnectTimeoutMs: 1000,
    });
    dbs.push(db);
    return db;
  };

  beforeAll(async () => {
    const cluster = await suite.start();
    url = await cluster.createDatabase();
  });
  afterAll(async () => {
    for (const f of closeLater) await f();
    await Promise.all(dbs.map((d) => d.close().catch(() => undefined)));
    await suite.stop();
  });

  it('a stale owner is fenced: its late write is rejected once another member took over', async () => {
    const [a, b] = [await server(), await server()];
    const la = new LeaseManager(a);
    const lb = new LeaseManager(b);
    const leaseA = await la.tryAcquire('host-1', 'A', 300);
    expect(leaseA).toBeDefined();
    if (!leaseA) return;
    expect(await lb.tryAcquire('host-1', 'B', 300)).toBeUndefined();
    // Positive control: while A's lease is valid its fenced write lands.
    await fencedPut(a, la, leaseA, 'vm/host-1', { step: 1 }, 0);
    let leaseB: Awaited<ReturnType<LeaseManager['tryAcquire']>>;
    await waitFor('B to take the expired lease', async () => {
      leaseB = await lb.tryAcquire('host-1', 'B', 5000);
      return leaseB !== undefined;
    });
    expect(leaseB?.token).toBeGreaterThan(leaseA.token);
    await expectCode(
      fencedPut(a, la, leaseA, 'vm/host-1', { step: 'late' }, 1),
      'CHASSIS_E_CLUSTER_FENCED',
    );
    await expectCode(la.renew(leaseA, 300), 'CHASSIS_E_CLUSTER_FENCED');
    // A's stale release does not free B's lease.
    await la.release(leaseA);
    expect((await lb.current('host-1'))?.owner).toBe('B');
    if (leaseB) await fencedPut(b, lb, leaseB, 'vm/host-1', { step: 2 }, 1);
    expect((await new PostgresStateStore(b).get('vm/host-1'))?.value).toEqual({ step: 2 });
    // Deletes are fenced too: A's late delete is rejected and the record stays.
    await expectCode(fencedDelete(a, la, leaseA, 'vm/host-1', 2), 'CHASSIS_E_CLUSTER_FENCED');
    expect((await new PostgresStateStore(b).get('vm/host-1'))?.version).toBe(2);
    if (!leaseB) return;
    // The owner's own delete: compare-and-set like any delete, then gone.
    await expectCode(fencedDelete(b, lb, leaseB, 'vm/host-1', 1), 'CHASSIS_E_STATE_CONFLICT');
    await fencedDelete(b, lb, leaseB, 'vm/host-1', 2);
    expect(await new PostgresStateStore(b).get('vm/host-1')).toBeUndefined();
    await fencedDelete(b, lb, leaseB, 'vm/host-1', 0);
  });

  it('a killed member’s resources move to the survivors within TTL + margin; a joiner takes a share', async () => {
    const resources = Array.from({ length: 12 }, (_, i) => `pool-${i}`);
    const ttl = 400;
    const members = ['m1', 'm2', 'm3'];
    const nodes = await Promise.all(
      members.map(async (id) => {
        const db = await server();
        const membership = new Membership(db, { id, ttlMs: ttl, heartbeatMs: 100 });
        await membership.join();
        const agent = new OwnershipAgent(membership, new LeaseManager(db), {
          resources: () => resources,
          tickMs: 100,
        });
        closeLater.push(() => {
          membership.stop();
          agent.stop();
        });
        return { id, db, membership, agent };
      }),
    );
    await Promise.all(nodes.map((n) => n.agent.start()));
    const owners = () => {
      const m = new Map<string, string>();
      for (const n of nodes) for (const r of n.agent.owned().keys()) m.set(r, n.id);
      return m;
    };
    await waitFor('every resource owned exactly once', () => {
      const total = nodes.reduce((s, n) => s + n.agent.owned().size, 0);
      return owners().size === resources.length && total === resources.length;
    });
    const [dead, ...alive] = nodes;
    if (!dead) return;
    const deadOwned = [...dead.agent.owned().keys()];
    expect(deadOwned.length).toBeGreaterThan(0);
    // kill: no more heartbeats, no more renewals, pool gone.
    dead.membership.stop();
    dead.agent.stop();
    await dead.db.close();
    await waitFor(
      'survivors to own every resource',
      () => alive.reduce((s, n) => s + n.agent.owned().size, 0) === resources.length,
      ttl + 3000,
    );
    const m = (await alive[0]?.membership.members())?.find((x) => x.id === dead.id);
    expect(m?.alive).toBe(false);
    // A member joining later gets its rendezvous share handed over, nothing owned twice.
    const db4 = await server();
    const m4 = new Membership(db4, { id: 'm4', ttlMs: ttl, heartbeatMs: 100 });
    await m4.join();
    const a4 = new OwnershipAgent(m4, new LeaseManager(db4), {
      resources: () => resources,
      tickMs: 100,
    });
    closeLater.push(() => {
      m4.stop();
      a4.stop();
    });
    await a4.start();
    const everyone = [...alive.map((n) => n.agent), a4];
    await waitFor('the joiner to own a share and every resource owned once', () => {
      const total = everyone.reduce((s, x) => s + x.owned().size, 0);
      const distinct = new Set(everyone.flatMap((x) => [...x.owned().keys()]));
      return (
        a4.owned().size > 0 && total === resources.length && distinct.size === resources.length
      );
    });
  });

  it('leader election: exactly one leader, and failover when its connection dies', async () => {
    const electors = await Promise.all(
      ['L1', 'L2', 'L3'].map(async (id) => {
        const e = new LeaderElector(await server('lead'), { id, retryMs: 100 });
        closeLater.push(() => e.stop());
        await e.start();
        return { id, e };
      }),
    );
    await waitFor('one leader', () => electors.filter((x) => x.e.isLeader).length === 1);
    const first = electors.find((x) => x.e.isLeader);
    if (!first) return;
    // Kill the leader's session from the outside (what a crash or network cut does).
    const admin = await server('lead');
    await admin.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
      [`chassis-leader:${first.id}`],
    );
    await waitFor('the old leader to notice', () => !first.e.isLeader);
    await waitFor('a new single leader', () => electors.filter((x) => x.e.isLeader).length === 1);
    // The old leader may have won again (it keeps campaigning); stepping down hands over too.
    const current = electors.find((x) => x.e.isLeader);
    await current?.e.stop();
    await waitFor('a leader other than the one that stepped down', () => {
      const leaders = electors.filter((x) => x.e.isLeader);
      return leaders.length === 1 && leaders[0]?.id !== current?.id;
    });
  });

  it('LISTEN/NOTIFY tells other members of a write; the reconcile timer fires as a fallback', async () => {
    const [a, b] = [await server('feed'), await server('feed')];
    const events: ChangeEvent[] = [];
    const feed = new ChangeFeed(b, { onChange: (e) => events.push(e), reconcileMs: 200 });
    closeLater.push(() => feed.stop());
    await feed.start();
    await new PostgresStateStore(a).put('drivers/acme', { v: 1 }, 0);
    await waitFor('the notification', () =>
      events.some((e) => e.kind === 'key' && e.key === 'drivers/acme'),
    );
    await waitFor('a reconciliation', () => events.some((e) => e.kind === 'reconcile'));
    // Another schema's writes are not ours.
    await new PostgresStateStore(await server('other')).put('drivers/x', 1, 0);
    await sleep(100);
    expect(events.some((e) => e.kind === 'key' && e.key === 'drivers/x')).toBe(false);
  });

  it('kept CARs are shared between members and re-verified on fetch', async () => {
    const [a, b] = [await server('cars'), await server('cars')];
    const bytes = new TextEncoder().encode('PK fake car bytes');
    const sha = await new PostgresCarStore(a).put(bytes);
    expect(await new PostgresCarStore(a).put(bytes)).toBe(sha);
    const cars = new PostgresCarStore(b);
    expect(await cars.has(sha)).toBe(true);
    expect(Buffer.from((await cars.get(sha)) ?? []).toString()).toBe('PK fake car bytes');
    // Damage the shared copy behind the store's back: the fetch must refuse it.
    await b.pool.query(`UPDATE cars.chassis_cars SET bytes = 'evil'::bytea WHERE sha256 = $1`, [
      sha,
    ]);
    await expectCode(cars.get(sha), 'CHASSIS_E_CAR_STORE_DIGEST');
    await expectCode(cars.get('nope'), 'CHASSIS_E_STATE_IO');
    await cars.delete(sha);
    expect(await cars.get(sha)).toBeUndefined();
  });
});
