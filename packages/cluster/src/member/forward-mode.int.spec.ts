import { ChassisError } from '@chassis/kernel';
import { assignResources } from '@chassis/state-postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { admin, clusterSuite, ownersOf, settled, waitFor } from './testing.js';

const ID = 'com.example.fixture';
const suite = clusterSuite({ name: 'forward-mode', driverId: ID, cars: { '1.0.0': undefined } });
const TTL = 1200;

/**
 * `startClusterMember` in its default `forward` mode: every member runs the signed channel, and
 * a facade call on a non-owner runs on the owner, transparently for the caller.
 */
describe.skipIf(!suite.available)('cluster members forward calls to the owner', () => {
  beforeAll(suite.setUp);
  afterEach(suite.stopMembers);
  afterAll(suite.tearDown);

  it('a call on a non-owner returns the owner’s result; refuse mode names the owner', async () => {
    const ids = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6'];
    const { url, a, b, c } = await suite.trio('1', { ids });
    // The owner's configuration is the one the call runs with (bags stay off the wire).
    await b.runtime.configure('f1', { mVip: '10.0.0.7' }, admin);
    await waitFor('the change everywhere', () =>
      [a, c].every((m) => m.runtime.getResource('f1').configuration.mVip === '10.0.0.7'),
    );
    const owners = await ownersOf(a);
    for (const id of ids)
      for (const m of [a, b, c]) {
        // Only the owner has a compartment: a non-owner's answer can only come from the owner.
        expect(m.runtime.resources.find(id) !== undefined).toBe(owners.get(id) === m.id);
        expect(await m.runtime.router.call(id, 'storage.primary', 'whoami', [])).toBe('1.0.0');
        const echoed = (await m.runtime.router.call(id, 'storage.primary', 'echo', [id, 2])) as {
          args: unknown[];
          resource: string;
          mVip: string;
        };
        expect(echoed).toMatchObject({ args: [id, 2], resource: id });
        expect(echoed.mVip).toBe(id === 'f1' ? '10.0.0.7' : '10.0.0.1');
      }
    // A fourth member configured `refuse` refuses, naming the owner and its channel.
    const d = await suite.start('d1', url, { forward: 'refuse' });
    await waitFor('D sees every resource', () => d.runtime.listResources().length === ids.length);
    await waitFor('owned once over four', () => settled([a, b, c, d], ids));
    const now = await ownersOf(d);
    const elsewhere = ids.find((id) => now.get(id) !== 'd1') as string;
    const err = await d.runtime.router
      .call(elsewhere, 'storage.primary', 'whoami', [])
      .catch((e: unknown) => e);
    expect(ChassisError.is(err) && err.code).toBe('CHASSIS_E_CLUSTER_NOT_OWNER');
    const details = (err as ChassisError).details;
    expect(details.owner).toBe(now.get(elsewhere));
    expect(details.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  });

  it('after an owner halts, a call on a third member is served by the new owner', async () => {
    const ids = Array.from({ length: 9 }, (_, i) => `h-${i}`);
    // A call made meanwhile waits (bounded) for the takeover instead of failing.
    const { a, b, c } = await suite.trio('2', { ids, cluster: { ownerWaitMs: TTL * 2 + 4000 } });
    const owners = await ownersOf(a);
    // Rendezvous is deterministic: the resources of A that go to B once A is gone.
    const heirs = assignResources(ids, ['b2', 'c2']);
    const victim = ids.find((id) => owners.get(id) === 'a2' && heirs.get(id) === 'b2');
    expect(victim).toBeDefined();
    const id = victim as string;
    // Positive control: before the halt, C's call is served by A.
    expect(await c.runtime.router.call(id, 'storage.primary', 'whoami', [])).toBe('1.0.0');
    await a.halt();
    // Sent at once: A's channel is gone, C re-reads the owner and retries until B serves it.
    expect(await c.runtime.router.call(id, 'storage.primary', 'whoami', [])).toBe('1.0.0');
    expect((await ownersOf(b)).get(id)).toBe('b2');
    expect(b.runtime.resources.find(id)).toBeDefined();
    expect(c.runtime.resources.find(id)).toBeUndefined();
  });
});
