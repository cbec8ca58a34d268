import { ChassisError } from '@chassis/kernel';
import type { TrustVerifier } from '@chassis/runtime';
import { assignResources } from '@chassis/state-postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterMember } from './member.js';
import { admin, clusterSuite, ownersOf, props, runsVersion, settled, waitFor } from './testing.js';

const ID = 'com.example.fixture';
const suite = clusterSuite({ name: 'eligibility', driverId: ID, cars: { '1.0.0': undefined } });
const ids = Array.from({ length: 12 }, (_, i) => `pool-${i}`);

describe.skipIf(!suite.available)('ownership follows where a driver runs', () => {
  const { member, start } = suite;
  let car: string;

  beforeAll(async () => {
    await suite.setUp();
    car = suite.cars['1.0.0'] as string;
  });
  afterEach(suite.stopMembers);
  afterAll(suite.tearDown);

  it('a member whose driver is refused owns none of its resources, and regains them once it runs it', async () => {
    const url = await suite.pg.createDatabase();
    // C's own trust check refuses the driver until told otherwise (as a member whose trust
    // configuration differs would): the version never runs there.
    let refuse = true;
    const verify: TrustVerifier = async () => {
      if (refuse)
        throw new ChassisError('CHASSIS_E_CERT_UNTRUSTED', 'refused by this member', {
          details: { driver: ID },
        });
      return { signed: false };
    };
    const a = await start('a', url);
    const b = await start('b', url);
    // C forwards calls on resources it does not own (A and B refuse, naming the owner).
    const c = await start('c', url, { forward: 'forward' }, { verify });
    await a.runtime.install({ kind: 'file', path: car }, admin);
    const runs = (m: ClusterMember) => runsVersion(m);
    await waitFor('1.0.0 Running on A and B', () => runs(a) && runs(b));
    for (const id of ids)
      await a.runtime.createResource({ id, kind: 'pool', driverId: ID, properties: props }, admin);
    // Positive control: without the rule C would win some of them.
    expect([...assignResources(ids, ['a', 'b', 'c']).values()]).toContain('c');
    await waitFor('every resource owned by A or B, none by C', async () => {
      const owners = await ownersOf(a);
      return owners.size === ids.length && [...owners.values()].every((o) => o !== 'c');
    });
    expect(runs(c)).toBe(false);
    // C publishes its refusal with its next heartbeat or notification: poll, bounded. Each of
    // C's attempts passes through `Failed` (with the cause) to `Unloaded`, and C retries on its
    // reconciliations, so a heartbeat may carry either state: both say "not running, and why".
    await waitFor("A reads C's refused version", async () =>
      Boolean(
        (await a.runtime.cluster?.members())
          ?.find((m) => m.memberId === 'c')
          ?.drivers.some((d) => d.failure?.code === 'CHASSIS_E_CERT_UNTRUSTED'),
      ),
    );
    const view = await a.runtime.cluster?.members();
    const viewOfC = view?.find((m) => m.memberId === 'c');
    expect(viewOfC?.resources).toEqual([]);
    // What C published, as A reads it: the version is not running there, and why.
    expect(viewOfC?.drivers).toEqual([
      expect.objectContaining({
        id: ID,
        version: '1.0.0',
        failure: { code: 'CHASSIS_E_CERT_UNTRUSTED', message: 'refused by this member' },
      }),
    ]);
    expect(['Unloaded', 'Failed']).toContain(viewOfC?.drivers[0]?.state);
    // Nobody owns anything as a fallback: A and B run the driver.
    expect(view?.flatMap((m) => m.fallback)).toEqual([]);
    // B reads A's published states with A's next heartbeat or notification: poll, bounded.
    await waitFor("B sees A's driver Running", async () =>
      Boolean(
        (await b.runtime.cluster?.driverMembers(ID))?.find((m) => m.memberId === 'a')?.eligible,
      ),
    );
    const perMember = await b.runtime.cluster?.driverMembers(ID);
    expect(perMember?.map((m) => [m.memberId, m.eligible])).toEqual([
      ['a', true],
      ['b', true],
      ['c', false],
    ]);
    expect(perMember?.find((m) => m.memberId === 'a')?.versions).toEqual([
      expect.objectContaining({ version: '1.0.0', state: 'Running', active: true }),
    ]);
    // Each resource is served by its owner, which runs the driver; C, which cannot run it,
    // still answers for every one of them by forwarding to the owner. Owners first chosen
    // before A's Running state reached B move once it does: wait for the rendezvous over A and B.
    const spread = JSON.stringify([...assignResources(ids, ['a', 'b'])].sort());
    await waitFor('owned by the rendezvous over A and B', async () => {
      if (!(await settled([a, b, c], ids))) return false;
      return JSON.stringify([...(await ownersOf(a))].sort()) === spread;
    });
    const owners = await ownersOf(a);
    for (const id of ids) {
      const owner = owners.get(id) === 'a' ? a : b;
      expect(await owner.runtime.router.call(id, 'storage.primary', 'whoami', [])).toBe('1.0.0');
      expect(await c.runtime.router.call(id, 'storage.primary', 'whoami', [])).toBe('1.0.0');
    }

    // C's trust now accepts it: its next reconciliation loads it, publishes Running, and the
    // rendezvous winners among three take their resources.
    refuse = false;
    await c.reconcile();
    await waitFor('1.0.0 Running on C', () => runs(c));
    await waitFor(
      'C owns some resources and every compartment is on its owner',
      async () =>
        [...(await ownersOf(a)).values()].includes('c') && (await settled([a, b, c], ids)),
      15_000,
    );
    const [pc] = [...(await ownersOf(a))].filter(([, o]) => o === 'c').map(([r]) => r);
    expect(await c.runtime.router.call(pc ?? '', 'storage.primary', 'whoami', [])).toBe('1.0.0');
    const after = await c.runtime.cluster?.driverMembers(ID);
    expect(after?.every((m) => m.eligible)).toBe(true);
    // As A reads C's record now: Running, the refusal's cause gone.
    const cOnA = (await a.runtime.cluster?.driverMembers(ID))?.find((m) => m.memberId === 'c');
    expect(cOnA?.versions).toEqual([
      { id: ID, version: '1.0.0', state: 'Running', active: true, tier: 'in-process' },
    ]);
  });

  it('no live member runs the driver: every resource still gets an owner, marked fallback', async () => {
    const url = await suite.pg.createDatabase();
    const verify: TrustVerifier = async () => {
      throw new ChassisError('CHASSIS_E_CERT_UNTRUSTED', 'refused by this member', {
        details: { driver: ID },
      });
    };
    const a = await member('fa', url);
    const b = await start('fb', url, {}, { verify });
    await a.runtime.install({ kind: 'file', path: car }, admin);
    const some = ids.slice(0, 4);
    for (const id of some)
      await a.runtime.createResource({ id, kind: 'pool', driverId: ID, properties: props }, admin);
    await waitFor('A owns them all (B does not run the driver)', async () => {
      const owners = await ownersOf(b);
      return owners.size === some.length && [...owners.values()].every((o) => o === 'fa');
    });
    // A leaves: B, which cannot run the driver, is the only live member; it takes them anyway.
    await a.stop();
    await waitFor('B owns them all', async () => {
      const owners = await ownersOf(b);
      return owners.size === some.length && [...owners.values()].every((o) => o === 'fb');
    });
    const view = await b.runtime.cluster?.members();
    expect(view?.map((m) => [m.memberId, m.resources, m.fallback])).toEqual([['fb', some, some]]);
    const perMember = await b.runtime.cluster?.driverMembers(ID);
    expect(perMember?.map((m) => [m.memberId, m.eligible, m.fallback])).toEqual([
      ['fb', false, some],
    ]);
  });

  it('a member that misses its heartbeats shows as stale with its last published states', async () => {
    const url = await suite.pg.createDatabase();
    const a = await start('sa', url);
    const b = await start('sb', url);
    await a.runtime.install({ kind: 'file', path: car }, admin);
    await waitFor('B publishes 1.0.0 Running', async () =>
      ((await a.runtime.cluster?.members()) ?? []).some(
        (m) => m.memberId === 'sb' && m.drivers.some((d) => d.state === 'Running'),
      ),
    );
    for (const id of ids.slice(0, 6))
      await a.runtime.createResource({ id, kind: 'pool', driverId: ID, properties: props }, admin);
    await waitFor('B owns some', async () => [...(await ownersOf(a)).values()].includes('sb'));
    await b.halt();
    await waitFor('B stale, its resources on A', async () => {
      const view = (await a.runtime.cluster?.members()) ?? [];
      const sb = view.find((m) => m.memberId === 'sb');
      const sa = view.find((m) => m.memberId === 'sa');
      return sb?.alive === false && sa?.resources.length === 6;
    });
    const view = (await a.runtime.cluster?.members()) ?? [];
    const sb = view.find((m) => m.memberId === 'sb');
    expect(sb?.drivers).toEqual([expect.objectContaining({ id: ID, state: 'Running' })]);
    expect(sb?.driversAt).toEqual(expect.any(String));
    expect(view.find((m) => m.memberId === 'sa')?.resources).toEqual(ids.slice(0, 6).sort());
    expect(sb?.resources).toEqual([]);
    expect((await a.runtime.cluster?.driverMembers(ID))?.map((m) => [m.memberId, m.alive])).toEqual(
      [
        ['sa', true],
        ['sb', false],
      ],
    );
  });
});
