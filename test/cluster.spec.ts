import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type PgTestCluster, pgSuite } from '@chassis/state-postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRequest, uploadCar } from './support/admin-http.js';
import { chassis, json } from './support/chassis-cli.js';
import { journalProblems, Load, type Sent, sendOperation } from './support/cluster-load.js';
import {
  type ClusterSettings,
  killAll,
  type MemberProcess,
  prepareCluster,
  startMember,
  until,
} from './support/cluster-servers.js';
import { JOURNAL_DRIVER, journalCar, makeVendor, readJournal } from './support/journal-driver.js';

/**
 * Issue 17, black box: three `chassis-server` processes on one throwaway PostgreSQL, driven only
 * through their admin APIs and the `chassis` CLI. The driver is a signed CAR whose `stats(tag)`
 * appends what ran (resource, tag, version, process) to a journal file, so every operation a
 * test sends can be checked to have run exactly once, in order, on the version its resource was
 * bound to, on one owner at a time. `kill -9` is a SIGKILL of the member's process group.
 */

const suite = pgSuite();
const ID = JOURNAL_DRIVER;
/** Short leases keep takeovers quick; 2 s survives a loaded 2-core machine's pauses. */
const TTL = 2000;
/** The poll bound for "within the lease TTL and a margin" (a bound, not a timed assertion). */
const TAKEOVER_MS = 2 * TTL + 10_000;
/** What {@link journalProblems} returns for a clean run. */
const CLEAN = {
  twice: [],
  lost: [],
  mismatched: [],
  reordered: [],
  stale: [],
  ranAfterRetryable: [],
};
/**
 * A failed operation while a member dies: sent to the dead member (no answer), forwarded to it
 * when it died (ambiguous: it may have run), or refused as safe to retry (nothing ran).
 */
const excusable = (dead: string) => (s: Sent) =>
  (s.code === 'transport' && s.via === dead) ||
  (s.code === 'CHASSIS_E_CLUSTER_FORWARD_FAILED' && s.ambiguous === true) ||
  s.retryable === true;
const POOLS = ['pool-1', 'pool-2', 'pool-3', 'pool-4', 'pool-5', 'pool-6'];

interface MembersView {
  mode: string;
  members: { memberId: string; alive: boolean; leader: boolean; resources: string[] }[];
}
interface DriverView {
  activeVersion?: string;
  versions: { version: string; state: string }[];
}
interface ResourceView {
  resource: { id: string };
  binding: { version: string };
}

describe.skipIf(!suite.available)('a cluster of three chassis-server members', () => {
  let pg: PgTestCluster;
  let root: string;
  let settings: ClusterSettings;
  let journal: string;
  const cars: Record<string, string> = {};
  /** Every member started, by name; `dead` ones were killed. */
  const members = new Map<string, MemberProcess>();
  const dead = new Set<string>();
  const alive = () => [...members.values()].filter((m) => !dead.has(m.name));
  const member = (name: string) => members.get(name) as MemberProcess;

  const get = async <T>(m: MemberProcess, path: string): Promise<T> => {
    const r = await adminRequest<T>(m.url, path, { token: m.token });
    if (r.status !== 200) throw new Error(`${m.name} GET ${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  const view = (m: MemberProcess) => get<MembersView>(m, '/api/cluster/members');
  const driver = (m: MemberProcess) => get<DriverView>(m, `/api/drivers/${ID}`);
  const bindings = async (m: MemberProcess) =>
    new Map(
      (await get<ResourceView[]>(m, `/api/resources?driverId=${ID}`)).map((r) => [
        r.resource.id,
        r.binding.version,
      ]),
    );
  const running = async (m: MemberProcess, version: string) =>
    (await driver(m)).versions.some((v) => v.version === version && v.state === 'Running');
  /** Owner of each pool by `m`'s view, or undefined while one is owned twice or not at all. */
  const owners = async (m: MemberProcess): Promise<Map<string, string> | undefined> => {
    const out = new Map<string, string>();
    for (const v of (await view(m)).members)
      for (const r of v.resources) {
        if (out.has(r)) return undefined;
        out.set(r, v.memberId);
      }
    return POOLS.every((p) => out.has(p)) ? out : undefined;
  };
  /** Every live member sees `version` active and every pool bound to it. */
  const everywhere = async (version: string) => {
    for (const m of alive()) {
      if ((await driver(m)).activeVersion !== version) return false;
      const b = await bindings(m);
      if (POOLS.some((p) => b.get(p) !== version)) return false;
    }
    return true;
  };
  /** Every pool answers through every live member, on `version` when given. */
  const servesEverywhere = async (version: string | undefined, tag: string) => {
    const calls = alive().flatMap((m) => POOLS.map((p) => [m, p] as const));
    const answers = await Promise.all(
      calls.map(([m, p]) =>
        until(`${p} to answer through ${m.name}`, async () => {
          const r = await sendOperation(m, p, `${tag}/${p}@${m.name}`);
          return r.ok ? r : undefined;
        }),
      ),
    );
    if (version)
      for (const s of answers)
        expect(s.ran?.version, `${s.resource} through ${s.via}`).toBe(version);
  };
  const upgrade = (m: MemberProcess, body: unknown) =>
    adminRequest<{
      result?: string;
      code?: string;
      resources?: unknown[];
      cause?: { code?: string; details?: Record<string, unknown>; stack?: string };
    }>(m.url, `/api/drivers/${ID}/upgrade`, {
      method: 'POST',
      token: m.token,
      body,
      timeoutMs: 45_000,
    });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chassis-cluster-bb-'));
    journal = join(root, 'journal.jsonl');
    const [started, vendor] = await Promise.all([
      suite.start().then((x) => {
        return x;
      }),
      makeVendor(root).then((x) => {
        return x;
      }),
    ]);
    pg = started;
    settings = {
      root: join(root, 'members'),
      databaseUrl: await pg.createDatabase(),
      caFile: vendor.caFile,
      leaseTtlMs: TTL,
      ownerWaitMs: 8000,
      trusted: [ID],
    };
    await prepareCluster(settings);
    // The members start while the vendor packs and signs its versions.
    const versions: [string, boolean][] = [
      ['1.0.0', true],
      ['1.1.0', true],
      ['1.2.0', false],
      ['1.3.0', true],
    ];
    const [started3] = await Promise.all([
      Promise.all(['a', 'b', 'c'].map((n) => startMember(settings, n))),
      ...versions.map(async ([v, healthy]) => {
        cars[v] = await journalCar(join(root, 'cars'), vendor, v, { healthy });
      }),
    ]);
    for (const m of started3) members.set(m.name, m);
  }, 120_000);

  afterAll(async () => {
    // Whatever happened: every member's process group, then the PostgreSQL cluster.
    await killAll(members.values());
    await suite.stop();
    await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('a signed driver installed on one member runs on all of them', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map(member) as [MemberProcess, MemberProcess, MemberProcess];
    const overview = await until('three members alive, one leader', async () => {
      const r = await chassis(['cluster', 'members', '--url', c.url, '--token', c.token, '--json']);
      const o = json<MembersView>(r, 'chassis cluster members');
      return o.members.filter((x) => x.alive).length === 3 &&
        o.members.filter((x) => x.leader).length === 1
        ? o
        : undefined;
    });
    expect(overview.mode).toBe('cluster');
    const install = await chassis(
      ['drivers', 'install', cars['1.0.0'] as string, '--url', a.url, '--token', a.token, '--json'],
      { timeoutMs: 45_000 },
    );
    expect(install.code, install.stderr).toBe(0);
    for (const m of [b, c]) await until(`1.0.0 Running on ${m.name}`, () => running(m, '1.0.0'));
    expect(
      (await get<{ signature?: { signed: boolean } }>(b, `/api/drivers/${ID}`)).signature,
    ).toMatchObject({ signed: true });
  }, 120_000);

  it('resources spread over the members; a rolling upgrade under load runs every operation once, in order, on the bound version', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map(member) as [MemberProcess, MemberProcess, MemberProcess];
    // Created through every member.
    for (const [i, p] of POOLS.entries()) {
      const m = [a, b, c][i % 3] as MemberProcess;
      const r = await adminRequest(m.url, '/api/resources', {
        method: 'POST',
        token: m.token,
        body: { id: p, kind: 'pool', driverId: ID, properties: { journal } },
      });
      expect(r.status, r.text).toBe(201);
    }
    const owned = await until('every pool owned once', () => owners(c));
    expect(new Set(owned.values()), 'every member owns some pools').toEqual(
      new Set(['a', 'b', 'c']),
    );
    await servesEverywhere('1.0.0', 'settle');

    // 1.1.0 installed through b (an upload, as the UI does), then rolled out by c.
    const up = await uploadCar(b.url, b.token, cars['1.1.0'] as string);
    expect(up.status, up.text).toBe(201);
    for (const m of [a, b, c]) await until(`1.1.0 Running on ${m.name}`, () => running(m, '1.1.0'));
    const load = new Load('roll', POOLS, alive);
    const run = await chassis(
      [
        'drivers',
        'upgrade',
        ID,
        '--version',
        '1.1.0',
        '--policy',
        'one-at-a-time',
        '--yes',
        '--json',
        '--url',
        c.url,
        '--token',
        c.token,
      ],
      { timeoutMs: 45_000 },
    );
    const sent = await load.stop();
    expect(run.code, run.stderr).toBe(0);
    const record = json<{ result: string; resources: { id: string }[] }>(run, 'drivers upgrade');
    expect(record.result).toBe('succeeded');
    expect(record.resources.map((r) => r.id).sort()).toEqual(POOLS);
    await until('1.1.0 active and bound on every member', () => everywhere('1.1.0'));

    expect(
      sent.filter((s) => !s.ok),
      'every operation answered',
    ).toEqual([]);
    const problems = journalProblems(load, await readJournal(journal), ['1.0.0', '1.1.0']);
    expect(problems).toEqual(CLEAN);
    // Calls ran on both versions, through every member.
    expect(new Set(sent.map((s) => s.ran?.version))).toEqual(new Set(['1.0.0', '1.1.0']));
    expect(new Set(sent.map((s) => s.via))).toEqual(new Set(['a', 'b', 'c']));
  }, 120_000);

  it('a failing canary rolls back on every member', async () => {
    const a = member('a');
    await uploadCar(a.url, a.token, cars['1.2.0'] as string).then((r) =>
      expect(r.status, r.text).toBe(201),
    );
    for (const m of alive()) await until(`1.2.0 Running on ${m.name}`, () => running(m, '1.2.0'));
    const r = await upgrade(member('b'), {
      version: '1.2.0',
      policy: { kind: 'canary', canaries: 2 },
    });
    expect(r.body.code, r.text).toBe('CHASSIS_E_CLUSTER_ROLLOUT_FAILED');
    // The HTTP body carries the typed cause: the canary's health check, where it failed.
    expect(r.body.cause?.code, r.text).toBe('CHASSIS_E_UPGRADE_HEALTH_FAILED');
    expect(r.body.cause?.details, r.text).toMatchObject({ driver: ID, member: expect.any(String) });
    expect(r.body.cause?.stack).toBeUndefined();
    await until('1.1.0 active and bound on every member', () => everywhere('1.1.0'));
    await servesEverywhere('1.1.0', 'canary');
    // The resource rows name each pool's owner as the members view has it, none as a fallback
    // (every member runs the bound version).
    type OwnedRow = ResourceView & { owner?: { memberId: string; fallback: boolean } };
    await until('resource rows name the owners of the members view', async () => {
      const byView = await owners(member('b'));
      const rows = await get<OwnedRow[]>(member('b'), `/api/resources?driverId=${ID}`);
      return (
        byView !== undefined &&
        POOLS.every((p) => {
          const o = rows.find((r) => r.resource.id === p)?.owner;
          return o?.memberId === byView.get(p) && o?.fallback === false;
        })
      );
    });
  }, 120_000);

  it('a member joining late converges to the installed set and the bindings, and takes its share', async () => {
    const reference = alive()[0] as MemberProcess;
    const d = await startMember(settings, 'd');
    members.set('d', d);
    const want = await driver(reference);
    const installed = (x: DriverView) => x.versions.map((v) => v.version).sort();
    const mine = await driver(d);
    expect(installed(mine)).toEqual(installed(want));
    expect(mine.activeVersion).toBe(want.activeVersion);
    const bound = await bindings(d);
    expect(bound).toEqual(await bindings(reference));
    // What it serves runs here: the active version and every version a pool is bound to.
    const needed = new Set([mine.activeVersion, ...bound.values()]);
    expect(mine.versions.filter((v) => needed.has(v.version) && v.state !== 'Running')).toEqual([]);
    // The install lock is per cluster: every member's lists the cluster's installed set.
    const lock = async (m: MemberProcess) => {
      const file = join(settings.root, m.name, 'chassis.lock');
      const l = JSON.parse(await readFile(file, 'utf8')) as {
        drivers: { id: string; version: string; sha256: string }[];
      };
      return l.drivers.map((x) => `${x.id}@${x.version}:${x.sha256}`).sort();
    };
    await until('the same install lock on every member', async () => {
      const locks = await Promise.all(alive().map(lock));
      return locks.every(
        (l) => l.length === installed(want).length && l.join() === locks[0]?.join(),
      );
    });
    await until('d owns some pools', async () => {
      const o = await owners(d);
      return o && [...o.values()].includes('d');
    });
    await servesEverywhere(want.activeVersion as string, 'late');
  }, 120_000);

  it('kill -9 of an owner: its pools move to the survivors within the lease TTL and serve there, none run twice', async () => {
    const before = (await owners(member('d'))) as Map<string, string>;
    const leader = (await view(member('d'))).members.find((m) => m.leader)?.memberId;
    const victim = alive().find(
      (m) => m.name !== leader && [...before.values()].includes(m.name),
    ) as MemberProcess;
    const moved = POOLS.filter((p) => before.get(p) === victim.name);
    const active = (await driver(member('d'))).activeVersion as string;
    const load = new Load('owner', POOLS, alive);
    // Some operations on its pools ran on the victim first.
    await until('operations on the victim', () =>
      load.sent.some((s) => s.ok && s.ran?.pid === victim.pid),
    );
    await victim.kill9();
    dead.add(victim.name);
    const survivor = alive()[0] as MemberProcess;
    const after = await until(
      'the victim’s pools owned by survivors',
      async () => {
        const o = await owners(survivor);
        return o && moved.every((p) => o.get(p) !== victim.name) ? o : undefined;
      },
      TAKEOVER_MS,
    );
    for (const p of moved) {
      const heir = member(after.get(p) as string);
      const s = await until(`${p} served by its new owner`, async () => {
        const x = await sendOperation(heir, p, `owner-heir/${p}`);
        return x.ok ? x : undefined;
      });
      expect(s.ran?.pid, `${p} runs on ${heir.name}`).toBe(heir.pid);
    }
    const sent = await load.stop();
    const problems = journalProblems(load, await readJournal(journal), [active]);
    expect(problems).toEqual(CLEAN);
    expect(sent.filter((x) => !x.ok).filter((x) => !excusable(victim.name)(x))).toEqual([]);
    expect((await view(survivor)).members.find((m) => m.memberId === victim.name)?.alive).toBe(
      false,
    );
    await servesEverywhere(active, 'after-owner');
  }, 120_000);

  it('PostgreSQL restarted under the cluster: the members reconnect, nothing is lost or run twice', async () => {
    const first = alive()[0] as MemberProcess;
    const installed = async (m: MemberProcess) => {
      const d = await driver(m);
      return { active: d.activeVersion, versions: d.versions.map((v) => v.version).sort() };
    };
    const before = { drivers: await installed(first), bindings: await bindings(first) };
    const load = new Load('pg', POOLS, alive);
    await until('operations before the restart', () => load.sent.filter((x) => x.ok).length > 10);
    await pg.restart();
    const since = load.sent.length;
    // Every member alive again, one leader, every pool owned once, the same state everywhere.
    await until(
      'the members back on the restarted PostgreSQL',
      async () => {
        for (const m of alive()) {
          const v = await view(m);
          const live = v.members.filter((x) => x.alive).map((x) => x.memberId);
          if (alive().some((a) => !live.includes(a.name))) return false;
          if (v.members.filter((x) => x.leader).length !== 1 || !(await owners(m))) return false;
        }
        return true;
      },
      TAKEOVER_MS,
    );
    await until('operations answered after the restart', () =>
      load.sent.slice(since).some((x) => x.ok),
    );
    const sent = await load.stop();
    for (const m of alive()) {
      expect(await installed(m), m.name).toEqual(before.drivers);
      expect(await bindings(m), m.name).toEqual(before.bindings);
    }
    const problems = journalProblems(load, await readJournal(journal), [
      before.drivers.active as string,
    ]);
    // A lease that lapsed while the database was away may move a pool and back: not stale.
    expect({ ...problems, stale: [] }).toEqual(CLEAN);
    expect(sent.filter((x) => !x.ok && !x.retryable)).toEqual([]);
    await servesEverywhere(before.drivers.active, 'after-pg');
  }, 120_000);

  /** The upgrade interrupted by the leader's death, and what it needs to be judged. */
  let interrupted:
    | { answer: Promise<{ status: number; text: string }>; killedAt: number; sender: MemberProcess }
    | undefined;

  it('kill -9 of the leader mid-upgrade: a survivor leads and takes over its pools; no operation is lost or run twice', async () => {
    const first = alive()[0] as MemberProcess;
    const up = await uploadCar(first.url, first.token, cars['1.3.0'] as string);
    expect(up.status, up.text).toBe(201);
    for (const m of alive()) await until(`1.3.0 Running on ${m.name}`, () => running(m, '1.3.0'));
    const leader = member((await view(first)).members.find((m) => m.leader)?.memberId as string);
    const sender = alive().find((m) => m !== leader) as MemberProcess;
    const theirs = [...((await owners(sender)) ?? [])]
      .filter(([, o]) => o === leader.name)
      .map(([p]) => p);
    expect(theirs.length, 'the leader owns pools').toBeGreaterThan(0);
    const load = new Load('leader', POOLS, alive);
    const answer = upgrade(sender, { version: '1.3.0', policy: { kind: 'one-at-a-time' } });
    // Judged by the next test; a failure here must not leave it unhandled.
    answer.catch(() => undefined);
    // Mid-upgrade, past the leader's own first move: one of its pools is on 1.3.0, some other
    // pool is not yet.
    await until(
      'a pool of the leader on 1.3.0, another still on 1.1.0',
      async () => {
        const b = await bindings(sender);
        if (POOLS.every((p) => b.get(p) === '1.3.0'))
          throw new Error('the upgrade finished before the leader could be killed');
        return theirs.some((p) => b.get(p) === '1.3.0');
      },
      45_000,
      20,
    );
    await leader.kill9();
    dead.add(leader.name);
    interrupted = { answer, killedAt: Date.now(), sender };
    const next = await until('a survivor leads', async () => {
      const l = (await view(sender)).members.find((m) => m.leader);
      return l && l.memberId !== leader.name ? l.memberId : undefined;
    });
    expect(alive().map((m) => m.name)).toContain(next);
    await until(
      'every pool owned by a survivor',
      async () => {
        const o = await owners(sender);
        return o && [...o.values()].every((x) => x !== leader.name);
      },
      TAKEOVER_MS,
    );
    await servesEverywhere(undefined, 'after-leader');
    const sent = await load.stop();
    const problems = journalProblems(load, await readJournal(journal), ['1.1.0', '1.3.0', '1.1.0']);
    expect(problems).toEqual(CLEAN);
    // Only calls that reached the dead member (or were forwarded to it) may have failed.
    expect(sent.filter((x) => !x.ok).filter((x) => !excusable(leader.name)(x))).toEqual([]);
  }, 120_000);

  /**
   * Known gap on main (found by this test): the new leader rolls the interrupted rollout back
   * (the rule for interrupted upgrades), sends the dead leader's pools back to the dead member,
   * waits the whole step timeout (60 s) for its answer and closes the rollout `failed` with
   * `details.unsettled`, so the dead leader's moved pool stays on 1.3.0 while 1.1.0 is active.
   * Re-planning a dead member's batch onto the resources' new owners is the failover work
   * (mid-rollout re-plan); remove `.fails` when it lands.
   */
  it('kill -9 of the leader mid-upgrade: the upgrade then finishes or rolls back on every pool', async () => {
    const { answer, killedAt, sender } = interrupted as NonNullable<typeof interrupted>;
    const bound = Math.max(1000, killedAt + TAKEOVER_MS - Date.now());
    const r = await Promise.race([
      answer,
      sleep(bound).then(() => {
        throw new Error(`the interrupted upgrade did not end within ${bound} ms after the kill`);
      }),
    ]);
    const outcome = r.status === 200 ? '1.3.0' : '1.1.0';
    expect(r.status === 200 || /CHASSIS_E_CLUSTER_ROLLOUT_FAILED/.test(r.text), r.text).toBe(true);
    expect(r.text).not.toMatch(/unsettled/);
    await until(`${outcome} active and bound on every survivor`, () => everywhere(outcome));
    await servesEverywhere(outcome, 'leader-outcome');
    expect(sender.exited()).toBe(false);
  }, 120_000);
});
