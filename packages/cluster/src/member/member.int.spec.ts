import { ChassisError } from '@chassis/kernel';
import { assignResources } from '@chassis/state-postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterMember } from './member.js';
import {
  admin,
  clusterSuite,
  codeOf,
  ownersOf,
  props,
  runsVersion,
  settled,
  waitFor,
} from './testing.js';

const ID = 'com.example.fixture';
const suite = clusterSuite({
  name: 'cluster',
  driverId: ID,
  cars: { '1.0.0': undefined, '1.1.0': undefined },
});
const TTL = 1200;

const running =
  (m: ClusterMember, version = '1.0.0') =>
  () =>
    runsVersion(m, version);

describe.skipIf(!suite.available)('cluster members on one PostgreSQL', () => {
  const { start } = suite;
  let car1: string;
  let car2: string;

  beforeAll(async () => {
    await suite.setUp();
    car1 = suite.cars['1.0.0'] as string;
    car2 = suite.cars['1.1.0'] as string;
  });
  afterEach(suite.stopMembers);
  afterAll(suite.tearDown);

  it('install on A runs on B and C; resources are owned once; uninstall on A is gone everywhere', async () => {
    const url = await suite.pg.createDatabase();
    // B's install lock follows the cluster's installed set, though B installed nothing itself.
    let lockOfB: string[] = [];
    const a = await start('a1', url);
    const b = await start(
      'b1',
      url,
      {},
      {
        onInstalledChange: (installed) => {
          lockOfB = installed.map((v) => `${v.id}@${v.version}`);
        },
      },
    );
    const c = await start('c1', url);
    await a.runtime.install({ kind: 'file', path: car1 }, admin);
    await waitFor('1.0.0 Running on B and C', () => running(b)() && running(c)());
    await waitFor('B’s lock', () => lockOfB.join() === `${ID}@1.0.0`);
    // B and C loaded it from the shared CAR store, not from A's files: their own copy, same digest.
    const sha = a.runtime.getDriver(ID).versions[0]?.sha256;
    expect(c.runtime.getDriver(ID).versions[0]?.sha256).toBe(sha);
    const ids = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    for (const id of ids)
      await a.runtime.createResource({ id, kind: 'pool', driverId: ID, properties: props }, admin);
    await waitFor('every resource owned once, compartments on the owners', () =>
      settled([a, b, c], ids),
    );
    const owners = await ownersOf(a);
    // A call runs on the owner; elsewhere (refuse mode) it is refused naming the owner.
    for (const id of ids) {
      for (const m of [a, b, c]) {
        const call = m.runtime.router.call(id, 'storage.primary', 'whoami', []);
        if (owners.get(id) === m.id) expect(await call).toBe('1.0.0');
        else {
          const err = await call.catch((e: unknown) => e);
          expect(ChassisError.is(err) && err.code).toBe('CHASSIS_E_CLUSTER_NOT_OWNER');
          expect((err as ChassisError).details.owner).toBe(owners.get(id));
        }
      }
    }
    // A configuration change made on one member reaches the others (sealed secrets included).
    await b.runtime.configure('p1', { mVip: '10.0.0.9' }, admin);
    await waitFor(
      'the change on C',
      () => c.runtime.getResource('p1').configuration.mVip === '10.0.0.9',
    );
    for (const id of ids) await a.runtime.deleteResource(id, {}, admin);
    await waitFor('resources gone everywhere', () =>
      [a, b, c].every((m) => m.runtime.listResources().length === 0),
    );
    await a.runtime.uninstall(ID, {}, admin);
    await waitFor('driver gone on B and C', () =>
      [b, c].every((m) => m.runtime.listDrivers().length === 0),
    );
    expect(b.runtime.lifecycle.get(ID, '1.0.0')?.state).toBe('Unloaded');
    await waitFor('B’s lock emptied', () => lockOfB.length === 0);
  });

  it('a member joining late converges to the installed set and the bindings', async () => {
    const url = await suite.pg.createDatabase();
    const [a, b] = [await start('a2', url), await start('b2', url)];
    await a.runtime.install({ kind: 'file', path: car1 }, admin);
    // B's reconciliation holds the driver's lock while it loads 1.0.0: install after it.
    await waitFor('1.0.0 on B', running(b));
    await b.runtime.install({ kind: 'file', path: car2 }, admin);
    const ids = Array.from({ length: 9 }, (_, i) => `late-${i}`);
    for (const id of ids)
      await b.runtime.createResource({ id, kind: 'pool', driverId: ID, properties: props }, admin);
    await waitFor('owned by A and B', () => settled([a, b], ids));
    // One resource moves to 1.1.0 on its owner: the late member must see that binding.
    const moved = 'late-0';
    const owner = (await ownersOf(a)).get(moved) === 'a2' ? a : b;
    await owner.runtime.upgrade(ID, { version: '1.1.0', resources: [moved] }, admin);
    const c = await start('c2', url);
    await waitFor('C runs both versions', () => running(c, '1.0.0')() && running(c, '1.1.0')());
    // Rendezvous over the three: the joiner takes exactly its share, the others hand it over.
    const plan = assignResources(ids, ['a2', 'b2', 'c2']);
    await waitFor('ownership spread over A, B and C', async () => {
      const owners = await ownersOf(a);
      return ids.every((id) => owners.get(id) === plan.get(id)) && settled([a, b, c], ids);
    });
    expect(c.runtime.resources.size).toBeGreaterThan(0);
    await waitFor(
      'C sees the moved binding',
      () => c.runtime.getResource(moved).binding.version === '1.1.0',
    );
    const owners = await ownersOf(c);
    for (const id of ids) {
      const owner = [a, b, c].find((m) => m.id === owners.get(id)) as ClusterMember;
      expect(await owner.runtime.router.call(id, 'storage.primary', 'whoami', [])).toBe(
        c.runtime.getResource(id).binding.version,
      );
    }
    // Every member verifies again before loading: one whose trust check refuses runs nothing.
    const d = await start(
      'd2',
      url,
      {},
      {
        verify: async () => {
          throw new ChassisError('CHASSIS_E_SIG_UNSIGNED', 'refused by this member');
        },
      },
    );
    expect(d.runtime.getDriver(ID).versions.map((v) => v.state)).toEqual(['Unloaded', 'Unloaded']);
  });

  it('an owner that stops heartbeating loses its resources within TTL + margin; its late write is fenced', async () => {
    const url = await suite.pg.createDatabase();
    const [a, b, c] = [await start('a3', url), await start('b3', url), await start('c3', url)];
    await a.runtime.install({ kind: 'file', path: car1 }, admin);
    const ids = Array.from({ length: 9 }, (_, i) => `pool-${i}`);
    await waitFor('1.0.0 everywhere', () => running(b)() && running(c)());
    for (const id of ids)
      await c.runtime.createResource({ id, kind: 'pool', driverId: ID, properties: props }, admin);
    await waitFor('settled', () => settled([a, b, c], ids));
    const mine = a.runtime.resources.list().map((e) => e.resource.id);
    expect(mine.length).toBeGreaterThan(0);
    const victim = mine[0] as string;
    // Positive control: while A owns it, A's write lands (through the fenced path).
    await a.runtime.configure(victim, { mPort: 444 }, admin);
    await a.halt();
    const halted = Date.now();
    await waitFor(
      'A’s resources owned by B or C',
      async () => {
        const owners = await ownersOf(b);
        return mine.every((r) => ['b3', 'c3'].includes(owners.get(r) ?? ''));
      },
      TTL * 2 + 3000,
    );
    const tookMs = Date.now() - halted;
    expect(tookMs).toBeLessThan(TTL * 2 + 3000);
    const owners = await ownersOf(b);
    const heir = [b, c].find((m) => m.id === owners.get(victim)) as ClusterMember;
    await waitFor('the heir runs it', () => heir.runtime.resources.find(victim) !== undefined);
    expect(await heir.runtime.router.call(victim, 'storage.primary', 'whoami', [])).toBe('1.0.0');
    expect(heir.runtime.getResource(victim).configuration.mPort).toBe(444);
    // A still believes it owns the resource: its late write is refused by the fencing token.
    expect(a.runtime.resources.find(victim)).toBeDefined();
    expect(await codeOf(a.runtime.configure(victim, { mPort: 445 }, admin))).toBe(
      'CHASSIS_E_CLUSTER_FENCED',
    );
    // Its late delete is fenced too: the heir's record stays, and it still serves the resource.
    expect(await codeOf(a.runtime.deleteResource(victim, { force: true }, admin))).toBe(
      'CHASSIS_E_CLUSTER_FENCED',
    );
    expect(await heir.runtime.router.call(victim, 'storage.primary', 'whoami', [])).toBe('1.0.0');
    await heir.runtime.configure(victim, { mPort: 446 }, admin);
    expect(heir.runtime.getResource(victim).configuration.mPort).toBe(446);
    const views = await b.members();
    expect(views.find((v) => v.memberId === 'a3')?.alive).toBe(false);
    expect(views.filter((v) => v.leader).length).toBe(1);
  });

  it('PostgreSQL restarted under the cluster: members reconnect, nothing lost or duplicated', async () => {
    const url = await suite.pg.createDatabase();
    const [a, b] = [await start('a4', url), await start('b4', url)];
    await a.runtime.install({ kind: 'file', path: car1 }, admin);
    const ids = ['r1', 'r2', 'r3', 'r4'];
    for (const id of ids)
      await a.runtime.createResource({ id, kind: 'pool', driverId: ID, properties: props }, admin);
    await waitFor('settled', () => settled([a, b], ids));
    await suite.pg.restart();
    // After the restart, a change on B reaches A (LISTEN re-established or reconciliation).
    await waitFor('B writes again', async () => {
      await b.runtime.install({ kind: 'file', path: car2 }, admin).catch((e: unknown) => {
        if (!ChassisError.is(e, 'CHASSIS_E_UPGRADE_SAME_VERSION')) throw e;
      });
      return true;
    });
    await waitFor('A runs 1.1.0', running(a, '1.1.0'), 10_000);
    await b.runtime.createResource(
      { id: 'r5', kind: 'pool', driverId: ID, properties: props },
      admin,
    );
    const all = [...ids, 'r5'];
    await waitFor('settled again', () => settled([a, b], all), 10_000);
    const versions = a.runtime.getDriver(ID).versions.map((v) => v.version);
    expect(versions).toEqual(['1.0.0', '1.1.0']);
    expect((await a.members()).every((m) => m.alive)).toBe(true);
  });
});
