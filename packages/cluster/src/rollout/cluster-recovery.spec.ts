import { describe, expect, it } from 'vitest';
import { planClusterRecovery, rollbackBatches } from './cluster-recovery.js';
import { plannedRollout, withStatuses } from './testing.js';
import type { ClusterRolloutRecord, ResourceOutcome, RolloutPhase, StepStatus } from './types.js';

/** one-at-a-time over a1, b1, a2: three steps. */
const PLANNED = plannedRollout({
  resources: [
    { id: 'a1', owner: 'a' },
    { id: 'a2', owner: 'a' },
    { id: 'b1', owner: 'b' },
  ],
  policy: { kind: 'one-at-a-time' },
  members: ['c'],
});

function record(
  phase: RolloutPhase,
  steps: StepStatus[],
  status: Record<string, ResourceOutcome['status']>,
  committed: string[] = [],
): ClusterRolloutRecord {
  return { ...withStatuses(PLANNED, status), phase, steps, committed };
}

describe('planClusterRecovery: the single-server rule applied to the whole cluster', () => {
  it.each<{
    name: string;
    rec: ClusterRolloutRecord;
    installed?: string[];
    expected: ReturnType<typeof planClusterRecovery>;
  }>([
    {
      name: 'nothing requested yet: roll back (nothing to move)',
      rec: record('moving', ['pending', 'pending', 'pending'], {}),
      expected: { outcome: 'rolled-back', rollback: [] },
    },
    {
      name: 'mid-way (a step in flight): roll back every resource that may have moved',
      rec: record('moving', ['done', 'running', 'pending'], { a1: 'moved', b1: 'moving' }),
      expected: {
        outcome: 'rolled-back',
        rollback: [
          { member: 'a', resources: ['a1'] },
          { member: 'b', resources: ['b1'] },
        ],
      },
    },
    {
      name: 'every move recorded done: finish (commit on every member)',
      rec: record('moving', ['done', 'done', 'done'], { a1: 'moved', a2: 'moved', b1: 'moved' }),
      expected: { outcome: 'completed', phase: 'committing', nextStep: 3 },
    },
    {
      name: 'every move done but the last step not yet marked: finish',
      rec: record('moving', ['done', 'done', 'running'], { a1: 'moved', a2: 'moved', b1: 'moved' }),
      expected: { outcome: 'completed', phase: 'committing', nextStep: 3 },
    },
    {
      name: 'commit phase reached: finish',
      rec: record(
        'committing',
        ['done', 'done', 'done'],
        { a1: 'moved', a2: 'moved', b1: 'moved' },
        ['a'],
      ),
      expected: { outcome: 'completed', phase: 'committing', nextStep: 3 },
    },
    {
      name: 'rolling back: keep rolling back, even when every move was done',
      rec: record('rolling-back', ['done', 'done', 'failed'], {
        a1: 'moved',
        a2: 'failed',
        b1: 'moved',
      }),
      expected: {
        outcome: 'rolled-back',
        rollback: [
          { member: 'a', resources: ['a1', 'a2'] },
          { member: 'b', resources: ['b1'] },
        ],
      },
    },
    {
      name: 'already confirmed back: not asked again',
      rec: record('rolling-back', ['done', 'failed', 'pending'], {
        a1: 'rolled-back',
        b1: 'failed',
      }),
      expected: { outcome: 'rolled-back', rollback: [{ member: 'b', resources: ['b1'] }] },
    },
    {
      name: 'target no longer installed: never finish towards it',
      rec: record('moving', ['done', 'done', 'done'], { a1: 'moved', a2: 'moved', b1: 'moved' }),
      installed: ['1'],
      expected: {
        outcome: 'rolled-back',
        rollback: [
          { member: 'a', resources: ['a1', 'a2'] },
          { member: 'b', resources: ['b1'] },
        ],
      },
    },
    {
      name: 'source no longer installed: finish the remaining steps',
      rec: record('moving', ['done', 'pending', 'pending'], { a1: 'moved' }),
      installed: ['2'],
      expected: { outcome: 'completed', phase: 'moving', nextStep: 1 },
    },
  ])('$name', ({ rec, installed, expected }) => {
    expect(planClusterRecovery(rec, installed)).toEqual(expected);
  });

  it('rollbackBatches skips resources never requested', () => {
    expect(
      rollbackBatches(record('rolling-back', ['failed', 'pending', 'pending'], { a1: 'failed' })),
    ).toEqual([{ member: 'a', resources: ['a1'] }]);
  });
});
