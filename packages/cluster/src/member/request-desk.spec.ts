import { ChassisError, MemoryStateStore, updateState } from '@chassis/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterRolloutRequest } from '../rollout/coordinator.js';
import { rolloutKey } from '../rollout/keys.js';
import type { ClusterRolloutRecord } from '../rollout/types.js';
import { RolloutRequestDesk, requestRollout } from './request-desk.js';
import {
  ROLLOUT_REQUESTS_PREFIX,
  type RolloutRequestRecord,
  rolloutRequestKey,
} from './rollout-requests.js';
import { waitFor } from './testing.js';

/**
 * The request path against the in-memory store: a sender (`requestRollout`) and leaders' desks
 * over a fake coordinator whose `begin` creates `rollouts/<id>` if absent and whose `run` closes
 * it. The real members and PostgreSQL are in `cluster-rollout.int.spec.ts`.
 */
const INPUT = { action: 'upgrade', driverId: 'd', to: '2', principal: 'alice' } as const;

function fakeCoordinator(store: MemoryStateStore, end: ClusterRolloutRecord['state']) {
  const begun: string[] = [];
  return {
    begun,
    async begin(req: ClusterRolloutRequest) {
      const id = req.id as string;
      const rec = { id, driverId: req.driverId, from: req.from, to: req.to, state: 'running' };
      await store.put(rolloutKey(id), rec, 0);
      begun.push(id);
      return rec as unknown as ClusterRolloutRecord;
    },
    async run(id: string) {
      const error =
        end === 'succeeded'
          ? {}
          : { error: new ChassisError('CHASSIS_E_CLUSTER_ROLLOUT_FAILED', 'canary').toJSON() };
      const done = await updateState<ClusterRolloutRecord>(store, rolloutKey(id), (cur) =>
        cur ? { ...cur, state: end, ...error } : undefined,
      );
      return done?.value as ClusterRolloutRecord;
    },
  };
}

const plan = async (r: RolloutRequestRecord): Promise<ClusterRolloutRequest> => ({
  driverId: r.driverId,
  from: '1',
  to: r.to,
  resources: [],
  principal: r.principal,
});

describe('rollout requests sent to a non-leader', () => {
  const desks: RolloutRequestDesk[] = [];
  const desk = (o: Partial<ConstructorParameters<typeof RolloutRequestDesk>[0]> & object) => {
    const d = new RolloutRequestDesk({
      memberId: 'a',
      isLeader: () => true,
      plan,
      pollMs: 20,
      ...o,
    } as ConstructorParameters<typeof RolloutRequestDesk>[0]);
    desks.push(d);
    d.start();
    return d;
  };
  afterEach(async () => {
    for (const d of desks.splice(0)) await d.stop();
  });

  it('the leader begins the request under its id; the sender gets the closed record', async () => {
    const store = new MemoryStateStore();
    const coordinator = fakeCoordinator(store, 'succeeded');
    desk({ store, coordinator });
    const record = await requestRollout(
      { store, memberId: 'b', timeoutMs: 5000, pollMs: 10 },
      INPUT,
    );
    expect(record.state).toBe('succeeded');
    expect(coordinator.begun).toEqual([record.id]);
    const req = await store.get<RolloutRequestRecord>(rolloutRequestKey(record.id));
    expect(req?.value).toMatchObject({ status: 'begun', leader: 'a', requestedBy: 'b' });
  });

  it('a failed rollout throws its code on the sender, with the record', async () => {
    const store = new MemoryStateStore();
    desk({ store, coordinator: fakeCoordinator(store, 'rolled-back') });
    const err = await requestRollout(
      { store, memberId: 'b', timeoutMs: 5000, pollMs: 10 },
      INPUT,
    ).catch((e: unknown) => e);
    expect(ChassisError.is(err) && err.code).toBe('CHASSIS_E_CLUSTER_ROLLOUT_FAILED');
    expect((err as { record?: ClusterRolloutRecord }).record?.state).toBe('rolled-back');
  });

  it('a request written while no member leads is begun by the next leader, once', async () => {
    const store = new MemoryStateStore();
    const coordinator = fakeCoordinator(store, 'succeeded');
    let leader = false;
    const d = desk({ store, coordinator, isLeader: () => leader });
    const pending = requestRollout({ store, memberId: 'b', timeoutMs: 5000, pollMs: 10 }, INPUT);
    await waitFor(
      'the request written',
      async () => (await store.list('rollout-requests/')).length > 0,
    );
    await d.scan();
    expect(coordinator.begun).toEqual([]);
    leader = true;
    await d.scan();
    const record = await pending;
    // A second leader that finds the record (the first stopped before marking it) only marks it.
    const other = fakeCoordinator(store, 'succeeded');
    const key = rolloutRequestKey(record.id);
    await updateState<RolloutRequestRecord>(store, key, (c) => c && { ...c, status: 'claimed' });
    await desk({ store, coordinator: other, memberId: 'c' }).scan();
    await waitFor(
      'marked begun',
      async () => (await store.get<RolloutRequestRecord>(key))?.value.status === 'begun',
    );
    expect([coordinator.begun, other.begun]).toEqual([[record.id], []]);
  });

  it('the leader changes while the sender waits: the next leader closes the rollout, the sender gets it', async () => {
    const store = new MemoryStateStore();
    const first = fakeCoordinator(store, 'succeeded');
    // The first leader begins the rollout, then dies: its run never closes the record.
    const d = desk({ store, coordinator: { ...first, run: () => new Promise(() => {}) } });
    const pending = requestRollout({ store, memberId: 'b', timeoutMs: 5000, pollMs: 10 }, INPUT);
    await waitFor('begun by the first leader', () => first.begun.length === 1);
    await d.stop();
    // The next leader adopts it (the coordinator's resume) and closes it.
    const second = fakeCoordinator(store, 'rolled-back');
    await second.run(first.begun[0] as string);
    const err = await pending.catch((e: unknown) => e);
    expect(ChassisError.is(err) && err.code).toBe('CHASSIS_E_CLUSTER_ROLLOUT_FAILED');
    expect((err as { record?: ClusterRolloutRecord }).record?.id).toBe(first.begun[0]);
  });

  it('a retryable refusal goes back to pending; a lasting one is the sender error', async () => {
    const store = new MemoryStateStore();
    let owners = false;
    const coordinator = fakeCoordinator(store, 'succeeded');
    desk({
      store,
      coordinator: {
        ...coordinator,
        begin: (req: ClusterRolloutRequest) => {
          if (!owners)
            throw new ChassisError('CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE', 'taking over', {
              details: { retryable: true },
            });
          if (req.to === '3') throw new ChassisError('CHASSIS_E_UPGRADE_IN_PROGRESS', 'busy');
          return coordinator.begin(req);
        },
      },
    });
    const pending = requestRollout({ store, memberId: 'b', timeoutMs: 5000, pollMs: 10 }, INPUT);
    await waitFor('refused once, back to pending', async () => {
      const [r] = await store.list<RolloutRequestRecord>(ROLLOUT_REQUESTS_PREFIX);
      return r?.value.status === 'pending' && r.value.leader === 'a';
    });
    owners = true;
    expect((await pending).state).toBe('succeeded');
    const busy = requestRollout(
      { store, memberId: 'b', timeoutMs: 5000, pollMs: 10 },
      { ...INPUT, to: '3' },
    );
    expect(await busy.catch((e: unknown) => ChassisError.is(e) && e.code)).toBe(
      'CHASSIS_E_UPGRADE_IN_PROGRESS',
    );
  });

  it('no leader within the bound: the request is cancelled, and a later leader does not run it', async () => {
    const store = new MemoryStateStore();
    const err = await requestRollout(
      { store, memberId: 'b', timeoutMs: 100, pollMs: 10 },
      INPUT,
    ).catch((e: unknown) => e);
    expect(ChassisError.is(err) && err.code).toBe('CHASSIS_E_CLUSTER_MEMBER_TIMEOUT');
    const [r] = await store.list<RolloutRequestRecord>(ROLLOUT_REQUESTS_PREFIX);
    expect(r?.value.status).toBe('cancelled');
    const coordinator = fakeCoordinator(store, 'succeeded');
    await desk({ store, coordinator }).scan();
    await desks[0]?.stop();
    expect(coordinator.begun).toEqual([]);
  });
});
