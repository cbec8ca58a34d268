import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChassisError, DEFAULT_KERNEL_CONFIG, type KernelConfig } from '@chassis/kernel';
import { createManagementServer, type ManagementServer } from '@chassis/runtime';
import { buildFixtureCar } from '@chassis/runtime/testing';
import {
  ChangeFeed,
  LeaderElector,
  PostgresDatabase,
  PostgresStateStore,
} from '@chassis/state-postgres';
import { pgSuite } from '@chassis/state-postgres/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChangeHub } from './change-hub.js';
import type { RolloutCoordinator } from './coordinator.js';
import { listRollouts, type StoredRequest } from './keys.js';
import { createRolloutMember, type RolloutMember } from './rollout-member.js';
import type { ClusterRolloutRecord, MemberMover, OwnedResource } from './types.js';

/**
 * Three real management servers (own data directories, same CARs installed on each) share only
 * the PostgreSQL rollout records and the leader lock; each runs a RolloutWorker on its own
 * runtime, the leader's RolloutCoordinator drives the rollout. `CHASSIS_TEST_CLUSTER_LONG=1`
 * runs more resources and operations.
 */

const suite = pgSuite();
const LONG = process.env.CHASSIS_TEST_CLUSTER_LONG === '1';
const PER_MEMBER = LONG ? 4 : 2;
const MAX_OPS = LONG ? 5000 : 2000;
/** Per test: the long variant moves four times as many resources one by one. */
const TIMEOUT = LONG ? 180_000 : 60_000;
const ID = 'com.example.rolling';
const MEMBERS = ['a', 'b', 'c'] as const;
const admin = { id: 'alice', roles: ['admin'] };
const config: KernelConfig = {
  ...DEFAULT_KERNEL_CONFIG,
  // In-process fixtures: the tiers are not under test here, and the call log is shared.
  confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: ['com.example.'] },
};

/** What every version's `op` logs: the resource, the sequence number, the version that ran it. */
interface Ran {
  readonly r: string;
  readonly seq: number;
  readonly v: string;
}
const g = globalThis as { __c3ops?: Ran[]; __c3health?: number };

/** A driver whose `op` logs each run; `healthyCalls`: health checks passed before it turns bad. */
const source = (version: string, healthyCalls = Number.POSITIVE_INFINITY) => `
const V = ${JSON.stringify(version)};
export default {
  provides: {
    'storage.primary': {
      whoami: () => V,
      op: (ctx, seq) => {
        (globalThis.__c3ops ??= []).push({ r: ctx.resource.id, seq, v: V });
        return V;
      },
    },
  },
  health: () => {
    globalThis.__c3health = (globalThis.__c3health ?? 0) + 1;
    return globalThis.__c3health <= ${healthyCalls === Number.POSITIVE_INFINITY ? 'Infinity' : healthyCalls}
      ? { healthy: true }
      : { healthy: false, detail: 'injected: array degraded' };
  },
};
`;

/** Bounded poll. */
async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

interface Member {
  readonly id: string;
  readonly server: ManagementServer;
  readonly elector: LeaderElector;
  readonly coordinator: RolloutCoordinator;
  readonly resources: string[];
}

describe.skipIf(!suite.available)('cluster-wide rollout on three real servers', () => {
  let url = '';
  let cars: Record<string, string> = {};
  let root = '';
  let schemaN = 0;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const pgc = await suite.start();
    url = await pgc.createDatabase();
    root = await mkdtemp(join(tmpdir(), 'chassis-rollout-'));
    const dir = join(root, 'cars');
    cars = {
      '1.0.0': await buildFixtureCar(dir, { id: ID, version: '1.0.0', source: source('1.0.0') }),
      '2.0.0': await buildFixtureCar(dir, { id: ID, version: '2.0.0', source: source('2.0.0') }),
      // Its first health check passes, every later one fails: one canary good, one bad.
      '2.1.0': await buildFixtureCar(dir, { id: ID, version: '2.1.0', source: source('2.1.0', 1) }),
    };
  });
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
    g.__c3ops = [];
    g.__c3health = 0;
  });
  afterAll(async () => {
    await suite.stop();
    await rm(root, { recursive: true, force: true });
  });

  /** Three members on a fresh schema (own leader lock); `a` is the leader. */
  async function cluster(wrap?: (m: MemberMover, self: () => Member) => MemberMover) {
    const schema = `rollout_${++schemaN}`;
    const members: Member[] = [];
    for (const id of MEMBERS) {
      const db = await PostgresDatabase.open({
        connectionString: url,
        schema,
        max: 4,
        reconnectTimeoutMs: 2000,
      });
      cleanup.push(() => db.close());
      const store = new PostgresStateStore(db);
      const hub = new ChangeHub();
      const feed = new ChangeFeed(db, { onChange: hub.emit, reconcileMs: 1000 });
      await feed.start();
      cleanup.push(() => feed.stop());
      const server = await createManagementServer({ dataDir: join(root, schema, id), config });
      await server.start();
      cleanup.push(() => server.stop());
      for (const v of ['1.0.0', '2.0.0', '2.1.0'])
        await server.runtime.install({ kind: 'file', path: cars[v] as string }, admin);
      const resources: string[] = [];
      for (let i = 1; i <= PER_MEMBER; i++) {
        const rid = `${id}-pool-${i}`;
        await server.runtime.createResource(
          { id: rid, kind: 'pool', driverId: ID, properties: { mVip: '10.0.0.1', password: 'x' } },
          admin,
        );
        resources.push(rid);
      }
      let self: Member | undefined;
      // The wiring the member composition uses: one elector, its changes into the rollout side.
      let rollout: RolloutMember | undefined;
      const elector = new LeaderElector(db, {
        id,
        retryMs: 100,
        onChange: (leader) => rollout?.onLeaderChange(leader),
      });
      rollout = createRolloutMember({
        store,
        memberId: id,
        runtime: server.runtime,
        isLeader: () => elector.isLeader,
        hub,
        stepTimeoutMs: 15_000,
        workerPollMs: 250,
        moverPollMs: 100,
        resumeEveryMs: 500,
        ...(wrap ? { mover: (base: MemberMover) => wrap(base, () => self as Member) } : {}),
      });
      await rollout.start();
      cleanup.push(async () => rollout?.stop());
      await elector.start();
      cleanup.push(() => elector.stop());
      const { coordinator } = rollout;
      self = { id, server, elector, coordinator, resources };
      members.push(self);
    }
    const [a] = members as [Member, ...Member[]];
    expect(a.elector.isLeader).toBe(true);
    const owned: OwnedResource[] = members.flatMap((m) =>
      m.resources.map((id) => ({ id, owner: m.id })),
    );
    const store = new PostgresStateStore(
      await PostgresDatabase.open({ connectionString: url, schema, max: 2 }).then((db) => {
        cleanup.push(() => db.close());
        return db;
      }),
    );
    return { members, a, owned, store };
  }

  const whoami = (members: Member[]) =>
    Promise.all(
      members.flatMap((m) =>
        m.resources.map((r) =>
          m.server.runtime.router.call<string>(r, 'storage.primary', 'whoami', []),
        ),
      ),
    );
  const active = (members: Member[]) =>
    members.map((m) => m.server.runtime.getDriver(ID).activeVersion);

  /**
   * Sequential operations on every resource through its owner until `done` settles (bounded by
   * count); returns what each call answered.
   */
  function load(members: Member[], done: Promise<unknown>) {
    let over = false;
    const stop = () => {
      over = true;
    };
    // Settles either way; the test awaits `done` itself.
    done.then(stop, stop);
    const answers: Ran[] = [];
    const loops = members.flatMap((m) =>
      m.resources.map(async (r) => {
        for (let seq = 0; seq < MAX_OPS && !over; seq++) {
          const v = await m.server.runtime.router.call<string>(r, 'storage.primary', 'op', [seq]);
          answers.push({ r, seq, v });
          // Paced so the bounded loop spans the rollout (pacing only; nothing is timed).
          await sleep(2);
        }
      }),
    );
    return Promise.all(loops).then(() => answers);
  }

  /**
   * Every operation ran exactly once, in per-resource order, on the version that answered it
   * (the bound one), switching version at most `switches` times per resource.
   */
  function expectExactlyOnce(owned: OwnedResource[], answers: Ran[], switches: number) {
    const ran = g.__c3ops ?? [];
    expect(ran.length).toBe(answers.length);
    expect(new Set(ran.map((x) => `${x.r}#${x.seq}`)).size).toBe(ran.length);
    for (const { id: r } of owned) {
      const mine = ran.filter((x) => x.r === r);
      expect(mine.map((x) => x.seq)).toEqual(mine.map((_, i) => i));
      const said = answers.filter((x) => x.r === r);
      expect(said.map((x) => x.v)).toEqual(mine.map((x) => x.v));
      const n = mine.filter((x, i) => i > 0 && x.v !== mine[i - 1]?.v).length;
      expect(n).toBeLessThanOrEqual(switches);
    }
  }

  it(
    'one-at-a-time under load: one resource cluster-wide per step, every operation once on the bound version',
    async () => {
      const { members, a, owned, store } = await cluster();
      const seen: ClusterRolloutRecord[] = [];
      a.coordinator.events$.subscribe((r) => seen.push(r));
      const rollout = a.coordinator.rollout({
        driverId: ID,
        from: '1.0.0',
        to: '2.0.0',
        policy: { kind: 'one-at-a-time' },
        resources: owned,
        principal: admin.id,
      });
      const answers = await load(members, rollout);
      const rec = await rollout;
      // The load overlapped the rollout: both versions answered operations.
      expect(new Set(answers.map((x) => x.v))).toEqual(new Set(['1.0.0', '2.0.0']));
      expect(rec.state).toBe('succeeded');
      expect(rec.plan.steps.map((s) => s.moves.length)).toEqual(owned.map(() => 1));
      expect(rec.committed).toEqual(['a', 'b', 'c']);
      // From the persisted record: never two resources moving at once in the cluster.
      for (const r of seen) {
        expect(
          Object.values(r.resources).filter((o) => o.status === 'moving').length,
        ).toBeLessThanOrEqual(1);
      }
      // From the requests the members answered: each step asked one member to move one resource.
      const steps = (await store.list<StoredRequest>(`rollouts/${rec.id}/steps/`)).map(
        (r) => r.value,
      );
      expect(steps.map((s) => s.resources.length)).toEqual(owned.map(() => 1));
      expect(steps.every((s) => s.result?.ok)).toBe(true);
      // Each member's runtime made one partial move per resource, then the commit.
      for (const m of members) {
        const ups = m.server.runtime.upgradeHistory(ID).filter((h) => h.action === 'upgrade');
        expect(ups.map((h) => h.resources.length)).toEqual([...m.resources.map(() => 1), 0]);
        expect(ups.every((h) => h.result === 'succeeded')).toBe(true);
      }
      expect(await whoami(members)).toEqual(owned.map(() => '2.0.0'));
      expect(active(members)).toEqual(['2.0.0', '2.0.0', '2.0.0']);

      expectExactlyOnce(owned, answers, 1);
    },
    TIMEOUT,
  );

  it('canary 2 moves two resources cluster-wide first, on two members, then the rest', async () => {
    const { members, a, owned } = await cluster();
    const rec = await a.coordinator.rollout({
      driverId: ID,
      from: '1.0.0',
      to: '2.0.0',
      policy: { kind: 'canary', canaries: 2 },
      resources: owned,
      principal: admin.id,
    });
    expect(rec.state).toBe('succeeded');
    expect(rec.plan.steps.map((s) => s.moves.length)).toEqual([2, owned.length - 2]);
    expect(rec.plan.steps[0]?.batches.map((b) => b.member)).toEqual(['a', 'b']);
    expect(await whoami(members)).toEqual(owned.map(() => '2.0.0'));
  });

  it('a failing canary rolls back on every member: CHASSIS_E_CLUSTER_ROLLOUT_FAILED', async () => {
    const { members, a, owned } = await cluster();
    const err = (await a.coordinator
      .rollout({
        driverId: ID,
        from: '1.0.0',
        to: '2.1.0',
        policy: { kind: 'canary', canaries: 2 },
        resources: owned,
        principal: admin.id,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as ChassisError & { record: ClusterRolloutRecord };
    expect(err.code).toBe('CHASSIS_E_CLUSTER_ROLLOUT_FAILED');
    expect(err.record.state).toBe('rolled-back');
    expect(err.record.error?.cause?.code).toBe('CHASSIS_E_UPGRADE_HEALTH_FAILED');
    // The thrown error's typed cause is the member's health check, naming member and resources.
    expect(ChassisError.is(err.cause) && err.cause.code).toBe('CHASSIS_E_UPGRADE_HEALTH_FAILED');
    expect((err.cause as ChassisError).details).toMatchObject({
      driver: ID,
      member: err.details.member,
      resources: err.details.resources,
    });
    expect(err.record.steps).toEqual(['failed', 'pending']);
    const canaries = err.record.plan.steps[0]?.moves.map((m) => m.resource) ?? [];
    expect(canaries.map((r) => err.record.resources[r]?.status)).toEqual([
      'rolled-back',
      'rolled-back',
    ]);
    // The canary that passed its own health check was moved back by the cluster rollback.
    const passed = members.filter((m) =>
      m.server.runtime
        .upgradeHistory(ID)
        .some((h) => h.action === 'upgrade' && h.to === '2.1.0' && h.result === 'succeeded'),
    );
    expect(passed.length).toBe(1);
    expect(await whoami(members)).toEqual(owned.map(() => '1.0.0'));
    expect(active(members)).toEqual(['1.0.0', '1.0.0', '1.0.0']);
  });

  it.each([
    { name: 'mid-way', at: 1, outcome: 'rolled-back', state: 'rolled-back', version: '1.0.0' },
    {
      name: 'after the last step',
      at: -1,
      outcome: 'completed',
      state: 'succeeded',
      version: '2.0.0',
    },
  ])(
    'leader connection killed $name: another member leads and the rule says $outcome',
    async ({ at, outcome, state, version }) => {
      const dba = await PostgresDatabase.open({
        connectionString: url,
        schema: 'rollout_admin',
        max: 1,
      });
      cleanup.push(() => dba.close());
      let last = 0;
      const { members, a, owned, store } = await cluster((base, self) => ({
        async move(req, signal) {
          const res = await base.move(req, signal);
          if (self().id === 'a' && req.kind === 'move' && req.n === (at === -1 ? last : at)) {
            // The members answered; the leader's lock connection dies before it records that
            // (PostgreSQL releases the lock with the session), and this member campaigns no
            // more (stopped in the same tick, so it cannot win the lock back: "killed").
            await dba.query(
              'kill the leader connection',
              `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'chassis-leader:a'`,
            );
            const stopped = self().elector.stop();
            await until(
              'a to lose the lead',
              async () => (self().elector.isLeader ? undefined : true),
              5000,
            );
            await stopped;
          }
          return res;
        },
      }));
      last = owned.length - 1;
      const begun = await a.coordinator.begin({
        driverId: ID,
        from: '1.0.0',
        to: '2.0.0',
        policy: { kind: 'one-at-a-time' },
        resources: owned,
        principal: admin.id,
      });
      const oldRun = a.coordinator.run(begun.id).then(
        () => undefined,
        (e: unknown) => e as ChassisError,
      );
      const closing = until('the new leader to close the rollout', async () => {
        const [r] = await listRollouts(store);
        return r && r.value.state !== 'running' ? r.value : undefined;
      });
      // Operations keep coming while the leader dies and the new one takes over.
      const answers = await load(members, closing);
      expect((await oldRun)?.code).toBe('CHASSIS_E_CLUSTER_NOT_LEADER');
      const closed = await closing;
      expectExactlyOnce(owned, answers, 2);
      expect(closed.recovery?.outcome).toBe(outcome);
      expect(['b', 'c']).toContain(closed.recovery?.by);
      expect(closed.epoch).toBe(2);
      expect(closed.state).toBe(state);
      expect(await whoami(members)).toEqual(owned.map(() => version));
      expect(active(members)).toEqual([version, version, version]);
    },
    TIMEOUT,
  );
});
