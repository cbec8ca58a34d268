import { describe, expect, it } from 'vitest';
import { rollbackBatches } from './cluster-recovery.js';
import { reassignRollback, rollbackConfirmed } from './rollback-settle.js';
import { plannedRollout, withStatuses } from './testing.js';
import type { ClusterRolloutRecord, ResourceOutcome } from './types.js';

const RESOURCES = [
  { id: 'a1', owner: 'a' },
  { id: 'b1', owner: 'b' },
  { id: 'b2', owner: 'b' },
];
const rollingBack = (status: Record<string, ResourceOutcome['status']>): ClusterRolloutRecord => ({
  ...withStatuses(plannedRollout({ resources: RESOURCES }), status, () => '1'),
  phase: 'rolling-back',
  steps: ['failed'],
});

describe('reassignRollback: a rollback asks the members that own the resources now', () => {
  it.each<{
    name: string;
    status: Record<string, ResourceOutcome['status']>;
    alive: string[];
    owners: Record<string, string>;
    batches: { member: string; resources: string[] }[];
    waiting: string[];
  }>([
    {
      name: 'every member alive: the plan’s members',
      status: { a1: 'moved', b1: 'moved', b2: 'failed' },
      alive: ['a', 'b', 'c'],
      owners: { a1: 'a', b1: 'b', b2: 'b' },
      batches: [
        { member: 'a', resources: ['a1'] },
        { member: 'b', resources: ['b1', 'b2'] },
      ],
      waiting: [],
    },
    {
      name: 'b left, c owns its resources now: c rolls them back',
      status: { a1: 'moved', b1: 'moved', b2: 'moving' },
      alive: ['a', 'c'],
      owners: { a1: 'a', b1: 'c', b2: 'c' },
      batches: [
        { member: 'a', resources: ['a1'] },
        { member: 'c', resources: ['b1', 'b2'] },
      ],
      waiting: [],
    },
    {
      name: 'b left, its leases not taken over yet: waiting',
      status: { a1: 'moved', b1: 'moved' },
      alive: ['a', 'c'],
      owners: { a1: 'a' },
      batches: [
        { member: 'a', resources: ['a1'] },
        { member: 'b', resources: ['b1'] },
      ],
      waiting: ['b1'],
    },
    {
      name: 'b left but nothing of it to roll back (never requested, or back already)',
      status: { a1: 'moved', b2: 'rolled-back' },
      alive: ['a', 'c'],
      owners: { a1: 'a' },
      batches: [{ member: 'a', resources: ['a1'] }],
      waiting: [],
    },
  ])('$name', ({ status, alive, owners, batches, waiting }) => {
    const r = reassignRollback(rollingBack(status), {
      owners: new Map(Object.entries(owners)),
      alive: new Set(alive),
    });
    expect(rollbackBatches(r.record)).toEqual(batches);
    expect(r.waiting).toEqual(waiting);
  });

  it('rollbackConfirmed marks what an answer confirms and leaves an unanswered batch for the next round', () => {
    const rec = rollingBack({ a1: 'moved', b1: 'moved', b2: 'moved' });
    const batches = rollbackBatches(rec);
    const next = rollbackConfirmed(rec, batches, [
      { ok: true, moved: [{ id: 'a1', from: '2', to: '1' }] },
      undefined,
    ]);
    expect(next.resources.a1?.status).toBe('rolled-back');
    expect(next.resources.b1?.status).toBe('moved');
    expect(next.state).toBe('running');
    expect(rollbackBatches(next)).toEqual([{ member: 'b', resources: ['b1', 'b2'] }]);
  });
});
