import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChassisError, DEFAULT_KERNEL_CONFIG } from '@chassis/kernel';
import { buildFixtureCar } from '@chassis/runtime/testing';
import { assignResources, PostgresStateStore } from '@chassis/state-postgres';
import { type PgTestCluster, pgSuite } from '@chassis/state-postgres/testing';
import { type ClusterMember, type ClusterMemberOptions, startClusterMember } from './member.js';
import type { RolloutRequestRecord } from './rollout-requests.js';

/** The principal every cluster spec acts as. */
export const admin = { id: 'alice', roles: ['admin'] };
/** The properties of every resource the cluster specs create (the fixture driver's schema). */
export const props = { mVip: '10.0.0.1', password: 'hunter2' };

/** Bounded poll: resolves when `cond` holds, throws naming `what` after `ms`. */
export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  ms = 8000,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    let ok = false;
    try {
      ok = await cond();
    } catch {
      // A condition that throws (not found yet) is simply not met yet; the deadline bounds it.
      ok = false;
    }
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** The code of a rejection (or `resolved` / the message when it is no Chassis error). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (ChassisError.is(e) ? e.code : String(e)),
  );
}

/** A durable rollout request of `d` to `2` sent by `b` at midnight, open for 30 minutes. */
export function rolloutRequest(
  status: RolloutRequestRecord['status'],
  extra: Partial<RolloutRequestRecord> = {},
): RolloutRequestRecord {
  return {
    id: 'r1',
    action: 'upgrade',
    driverId: 'd',
    to: '2',
    principal: 'alice',
    requestedBy: 'b',
    requestedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:30:00.000Z',
    status,
    ...extra,
  };
}

/** Starts a test member `name` on the database at `url` (`extra`: cluster options, `more`: the rest). */
export type MemberStart = (
  name: string,
  url: string,
  extra?: Partial<ClusterMemberOptions['cluster']>,
  more?: Partial<Omit<ClusterMemberOptions, 'cluster'>>,
) => Promise<ClusterMember>;

/** Test members: short TTLs, one trusted in-process fixture driver, refuse mode by default. */
export function memberFactory(root: string, trusted: readonly string[]): MemberStart {
  return (name, url, extra = {}, more = {}) =>
    startClusterMember({
      dataDir: join(root, name),
      config: {
        ...DEFAULT_KERNEL_CONFIG,
        isolation: { ...DEFAULT_KERNEL_CONFIG.isolation, default: 'in-process' },
        confinement: { ...DEFAULT_KERNEL_CONFIG.confinement, trusted: [...trusted] },
      },
      reconcileMs: 1000,
      ...more,
      cluster: {
        memberId: name,
        database: { connectionString: url, reconnectTimeoutMs: 5000 },
        leaseTtlMs: 1200,
        secret: 'a-cluster-secret-of-at-least-32-bytes!',
        forward: 'refuse',
        ownerWaitMs: 300,
        ...extra,
      },
    });
}

/** True while `m` runs a version of some driver (`version` given: that version) in `Running`. */
export function runsVersion(m: ClusterMember, version?: string): boolean {
  return m.runtime
    .listDrivers()
    .some((d) =>
      d.versions.some(
        (v) => (version === undefined || v.version === version) && v.state === 'Running',
      ),
    );
}

/** Who holds each resource's live lease, by the member's own view (throws if one is owned twice). */
export async function ownersOf(m: ClusterMember): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const v of await m.members())
    for (const r of v.resources) {
      if (out.has(r)) throw new Error(`${r} owned twice`);
      out.set(r, v.memberId);
    }
  return out;
}

/** Every resource owned once, and each member's local compartments are exactly what it owns. */
export async function settled(
  members: readonly ClusterMember[],
  resources: readonly string[],
): Promise<boolean> {
  const first = members[0];
  if (!first) return true;
  const owners = await ownersOf(first);
  if (owners.size !== resources.length) return false;
  for (const m of members) {
    const local = m.runtime.resources
      .list()
      .map((e) => e.resource.id)
      .sort();
    const mine = [...owners].filter(([, o]) => o === m.id).map(([r]) => r);
    if (JSON.stringify(local) !== JSON.stringify(mine.sort())) return false;
    if (m.runtime.listResources().length !== resources.length) return false;
  }
  return true;
}

/** What a cluster spec file shares: one PostgreSQL, a scratch root, fixture CARs, the members. */
export interface ClusterSuiteOptions {
  /** Names the scratch directory (`chassis-<name>-…`). */
  readonly name: string;
  /** The driver the members trust and the fixture CARs carry. */
  readonly driverId: string;
  /** CARs built by `setUp`: version → driver source (`undefined`: the runtime's default fixture). */
  readonly cars?: Readonly<Record<string, string | undefined>>;
}

/** Three members on one fresh database, as {@link ClusterSuite.trio} leaves them. */
export interface Trio {
  readonly url: string;
  readonly ms: readonly [ClusterMember, ClusterMember, ClusterMember];
  readonly a: ClusterMember;
  readonly b: ClusterMember;
  readonly c: ClusterMember;
  readonly leader: ClusterMember;
  /** The two members that do not lead. */
  readonly others: readonly ClusterMember[];
  /** The shared store, read through the leader's connection. */
  readonly store: PostgresStateStore;
}

/** How {@link ClusterSuite.trio} sets its members up. */
export interface TrioOptions {
  /** Installed in this order, each Running on every member before the next (default `1.0.0`). */
  readonly versions?: readonly string[];
  /** Resources created once the versions run; owned by the rendezvous over all three. */
  readonly ids: readonly string[];
  /** Cluster options of each member (on top of `forward: 'forward'`). */
  readonly cluster?: Partial<ClusterMemberOptions['cluster']>;
  /** The other member options (e.g. `rollout` timings). */
  readonly more?: Partial<Omit<ClusterMemberOptions, 'cluster'>>;
}

/**
 * The set-up every cluster spec file repeats, for its `beforeAll`/`afterEach`/`afterAll`:
 * `setUp` starts PostgreSQL and builds the CARs, `stopMembers` stops the members `start`
 * started, `tearDown` stops those left, PostgreSQL, and removes the scratch root. (Hooks are
 * the caller's: this file is compiled with the package, which does not depend on vitest.)
 */
export interface ClusterSuite {
  /** False when no PostgreSQL is installed (`describe.skipIf(!suite.available)`). */
  readonly available: boolean;
  /** The file's PostgreSQL (after `setUp`): `createDatabase()` per test, `restart()`. */
  readonly pg: PgTestCluster;
  /** The scratch root (after `setUp`): the CARs and the members' data directories. */
  readonly root: string;
  /** The built CARs' paths by version. */
  readonly cars: Readonly<Record<string, string>>;
  /** Starts a member that `stopMembers` and `tearDown` stop. */
  readonly start: MemberStart;
  /** Starts a member the test stops itself. */
  readonly member: MemberStart;
  /**
   * Three forwarding members `a<prefix>`, `b<prefix>`, `c<prefix>` on a fresh database, the
   * versions installed and Running everywhere, the resources owned once by the rendezvous over
   * the three (eligibility follows published driver states, so the first owners may be fewer),
   * and a leader chosen.
   */
  trio(prefix: string, o: TrioOptions): Promise<Trio>;
  /** For `beforeAll`. */
  setUp(): Promise<void>;
  /** For `afterEach` (files whose tests share members leave it out). */
  stopMembers(): Promise<void>;
  /** For `afterAll`. */
  tearDown(): Promise<void>;
}

/** One {@link ClusterSuite} per spec file (create it at module level, before `describe`). */
export function clusterSuite(o: ClusterSuiteOptions): ClusterSuite {
  const pgs = pgSuite();
  let pg: PgTestCluster | undefined;
  let root: string | undefined;
  const cars: Record<string, string> = {};
  const started: ClusterMember[] = [];
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('clusterSuite: call setUp() first (in beforeAll)');
    return v;
  };
  const member: MemberStart = (...args) => memberFactory(need(root), [o.driverId])(...args);
  const start: MemberStart = async (...args) => {
    const m = await member(...args);
    started.push(m);
    return m;
  };
  const stopMembers = async () => {
    for (const m of started.splice(0)) await m.stop();
  };
  return {
    available: pgs.available,
    get pg() {
      return need(pg);
    },
    get root() {
      return need(root);
    },
    cars,
    start,
    member,
    async setUp() {
      pg = await pgs.start();
      root = await mkdtemp(join(tmpdir(), `chassis-${o.name}-`));
      for (const [version, source] of Object.entries(o.cars ?? {}))
        cars[version] = await buildFixtureCar(join(root, 'cars'), {
          id: o.driverId,
          version,
          ...(source === undefined ? {} : { source }),
        });
    },
    stopMembers,
    async tearDown() {
      await stopMembers();
      await pgs.stop();
      if (root) await rm(root, { recursive: true, force: true });
    },
    async trio(prefix, t) {
      const url = await need(pg).createDatabase();
      const names = ['a', 'b', 'c'].map((n) => `${n}${prefix}`);
      const ms: ClusterMember[] = [];
      for (const n of names)
        ms.push(await start(n, url, { forward: 'forward', ...t.cluster }, t.more));
      const [a, b, c] = ms as [ClusterMember, ClusterMember, ClusterMember];
      for (const v of t.versions ?? ['1.0.0']) {
        const path = cars[v];
        if (!path) throw new Error(`clusterSuite: no CAR ${v} (list it in the suite's cars)`);
        // A's own reconciliation may hold the driver's lock a moment: retry, bounded.
        await waitFor(`install ${v}`, async () => {
          await a.runtime.install({ kind: 'file', path }, admin);
          return true;
        });
        await waitFor(`${v} on every member`, () => ms.every((m) => runsVersion(m, v)));
      }
      for (const id of t.ids)
        await a.runtime.createResource(
          { id, kind: 'pool', driverId: o.driverId, properties: props },
          admin,
        );
      const spread = JSON.stringify([...assignResources(t.ids, names)].sort());
      await waitFor('settled over all three', async () => {
        if (!(await settled(ms, t.ids))) return false;
        return JSON.stringify([...(await ownersOf(a))].sort()) === spread;
      });
      await waitFor('a leader', () => ms.some((m) => m.isLeader()));
      const leader = ms.find((m) => m.isLeader()) as ClusterMember;
      return {
        url,
        ms: [a, b, c],
        a,
        b,
        c,
        leader,
        others: ms.filter((m) => m !== leader),
        store: new PostgresStateStore(leader.primitives.db),
      };
    },
  };
}
