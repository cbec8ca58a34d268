import { ChassisError, MemoryStateStore } from '@chassis/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { requestKey, rolloutKey, type StoredRequest } from './keys.js';
import { plannedRollout } from './testing.js';
import type {
  ClusterRolloutRecord,
  LocalMover,
  MoveKind,
  RolloutPhase,
  RolloutState,
} from './types.js';
import { locatedAnswer, RolloutWorker } from './worker.js';

const calls: string[] = [];
const local: LocalMover = {
  async move(_d, to, ids) {
    calls.push(`move ${ids.join(',')} → ${to}`);
    return { ok: true, moved: ids.map((id) => ({ id, from: '1', to })) };
  },
  async commit(_d, to) {
    calls.push(`commit ${to}`);
    return { ok: true, moved: [] };
  },
};

const workers: RolloutWorker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
  calls.length = 0;
});

async function setup(phase: RolloutPhase, state: RolloutState = 'running') {
  const store = new MemoryStateStore();
  const rec: ClusterRolloutRecord = {
    ...plannedRollout({ id: 'ro-1', leader: 'x', resources: [{ id: 'r1', owner: 'host:7401' }] }),
    phase,
    state,
  };
  await store.put(rolloutKey(rec.id), rec, 0);
  const ask = async (kind: MoveKind, member = 'host:7401') => {
    const key = requestKey({ rolloutId: rec.id, kind, n: 0, member });
    const value: StoredRequest = {
      rolloutId: rec.id,
      kind,
      n: 0,
      member,
      driverId: 'd',
      to: kind === 'rollback' ? '1' : '2',
      resources: kind === 'commit' ? [] : ['r1'],
      epoch: 1,
      status: 'pending',
      issuedAt: new Date().toISOString(),
    };
    await store.put(key, value, 0);
    return key;
  };
  const worker = new RolloutWorker({ store, memberId: 'host:7401', local, pollMs: 60_000 });
  workers.push(worker);
  return { store, ask, worker };
}

const answer = async (store: MemoryStateStore, key: string) =>
  (await store.get<StoredRequest>(key))?.value;

describe('RolloutWorker', () => {
  it.each<{ phase: RolloutPhase; state?: RolloutState; kind: MoveKind; acts: boolean }>([
    { phase: 'moving', kind: 'move', acts: true },
    { phase: 'rolling-back', kind: 'move', acts: false },
    { phase: 'committing', kind: 'move', acts: false },
    { phase: 'rolling-back', kind: 'rollback', acts: true },
    { phase: 'moving', kind: 'rollback', acts: true },
    { phase: 'committing', kind: 'commit', acts: true },
    { phase: 'moving', kind: 'commit', acts: false },
    { phase: 'moving', state: 'rolled-back', kind: 'move', acts: false },
    { phase: 'rolling-back', state: 'failed', kind: 'rollback', acts: false },
  ])(
    'a $kind request while the rollout is $phase ($state): acts $acts',
    async ({ phase, state, kind, acts }) => {
      const { store, ask, worker } = await setup(phase, state);
      // Written while the worker was not running: the start-up scan picks it up.
      const key = await ask(kind);
      await worker.start();
      await worker.idle();
      const a = await answer(store, key);
      expect(a?.status).toBe('done');
      expect(a?.result?.skipped === true).toBe(!acts);
      expect(calls.length).toBe(acts ? 1 : 0);
    },
  );

  it('handles its own requests only, each once', async () => {
    const { store, ask, worker } = await setup('moving');
    const mine = await ask('move');
    const other = await ask('move', 'another-member');
    await worker.start();
    await worker.scan();
    await worker.scan();
    await worker.idle();
    expect(calls).toEqual(['move r1 → 2']);
    expect((await answer(store, mine))?.status).toBe('done');
    expect((await answer(store, other))?.status).toBe('pending');
    expect(mine).toMatch(/^rollouts\/ro-1\/steps\/0\/m-[0-9a-f]{24}$/);
  });
});

describe('locatedAnswer', () => {
  const health = new ChassisError('CHASSIS_E_UPGRADE_HEALTH_FAILED', 'd@2 reported unhealthy', {
    details: { driver: 'd', version: '2' },
    cause: new Error('probe'),
  }).toJSON();
  it.each([
    {
      name: 'a success is kept as it is',
      answer: { ok: true, moved: [] },
      where: { member: 'b', resources: ['r1'] },
      details: undefined,
    },
    {
      name: "a move's failure names the member and its resources",
      answer: { ok: false, moved: [], error: health },
      where: { member: 'b', resources: ['r1', 'r2'] },
      details: { driver: 'd', version: '2', member: 'b', resources: ['r1', 'r2'] },
    },
    {
      name: "a commit's failure names the member only",
      answer: { ok: false, moved: [], error: health },
      where: { member: 'c' },
      details: { driver: 'd', version: '2', member: 'c' },
    },
    {
      name: 'what the error names already wins',
      answer: {
        ok: false,
        moved: [],
        error: { ...health, details: { ...health.details, resources: ['x'] } },
      },
      where: { member: 'b', resources: ['r1'] },
      details: { driver: 'd', version: '2', member: 'b', resources: ['x'] },
    },
  ])('$name', ({ answer, where, details }) => {
    const out = locatedAnswer(answer, where);
    if (!details) return expect(out).toBe(answer);
    expect(out.error?.code).toBe('CHASSIS_E_UPGRADE_HEALTH_FAILED');
    expect(out.error?.details).toEqual(details);
    // Stacks stay in the member's log; the cause chain is kept.
    expect(out.error?.stack).toBeUndefined();
    expect(out.error?.cause?.message).toBe('probe');
    expect(out.error?.cause?.stack).toBeUndefined();
  });
});
