import { describe, expect, it } from 'vitest';
import type { UpgradeProgress, UpgradeRecord } from '../api/runtime-api.js';
import { planRecovery, type RecoveryInput, type RecoveryPlan } from './recovery-plan.js';

const moves = (ids: string[], from = '1.0.0', to = '2.0.0') => ({
  moves: ids.map((id) => ({ id, from, to })),
});

function upgrade(
  ids: string[],
  progress?: UpgradeProgress,
  action: 'upgrade' | 'rollback' = 'upgrade',
): UpgradeRecord {
  return {
    id: 'h1',
    action,
    driverId: 'd',
    from: '1.0.0',
    to: '2.0.0',
    principal: 'p',
    startedAt: '2026-01-01T00:00:00.000Z',
    result: 'running',
    resources: [],
    plan: moves(ids),
    ...(progress ? { progress } : {}),
  };
}

const both = { versions: ['1.0.0', '2.0.0'], active: '1.0.0' };
const bindings = (entries: Record<string, string>) => new Map(Object.entries(entries));

const partial = (ids: string[], progress?: UpgradeProgress): UpgradeRecord => ({
  ...upgrade(ids, progress),
  plan: { ...moves(ids), partial: true },
});

const cases: { name: string; input: RecoveryInput; expected: RecoveryPlan }[] = [
  {
    name: 'a partial move, half done: its resources go back, the active version stays',
    input: {
      record: partial(['a', 'b'], { moved: ['a'], phase: 'moving' }),
      driver: { versions: ['1.0.0', '2.0.0'], active: '2.0.0' },
      bindings: bindings({ a: '2.0.0', b: '1.0.0', c: '2.0.0' }),
    },
    expected: { outcome: 'rolled-back', rebind: [{ version: '1.0.0', ids: ['a'] }] },
  },
  {
    name: 'a partial move, every move recorded: finished without making 2.0.0 active',
    input: {
      record: partial(['a'], { moved: ['a'], phase: 'committing' }),
      driver: both,
      bindings: bindings({ a: '2.0.0', b: '1.0.0' }),
    },
    expected: { outcome: 'completed', rebind: [] },
  },
  {
    name: 'crash right after the plan was recorded: nothing to move back',
    input: {
      record: upgrade(['a', 'b']),
      driver: both,
      bindings: bindings({ a: '1.0.0', b: '1.0.0' }),
    },
    expected: { outcome: 'rolled-back', rebind: [] },
  },
  {
    name: 'a moved and recorded, b not: a goes back',
    input: {
      record: upgrade(['a', 'b'], { moved: ['a'], phase: 'moving' }),
      driver: both,
      bindings: bindings({ a: '2.0.0', b: '1.0.0' }),
    },
    expected: { outcome: 'rolled-back', rebind: [{ version: '1.0.0', ids: ['a'] }] },
  },
  {
    name: 'b rebound but its progress not yet recorded: both go back',
    input: {
      record: upgrade(['a', 'b', 'c'], { moved: ['a'], phase: 'moving' }),
      driver: both,
      bindings: bindings({ a: '2.0.0', b: '2.0.0', c: '1.0.0' }),
    },
    expected: { outcome: 'rolled-back', rebind: [{ version: '1.0.0', ids: ['a', 'b'] }] },
  },
  {
    name: 'every move recorded: finish (commit to)',
    input: {
      record: upgrade(['a', 'b'], { moved: ['a', 'b'], phase: 'moving' }),
      driver: both,
      bindings: bindings({ a: '2.0.0', b: '2.0.0' }),
    },
    expected: {
      outcome: 'completed',
      rebind: [],
      driver: { active: '2.0.0', previous: '1.0.0' },
    },
  },
  {
    name: 'commit written, history not closed: completed, nothing to change',
    input: {
      record: upgrade(['a'], { moved: ['a'], phase: 'committing' }),
      driver: { versions: ['1.0.0', '2.0.0'], active: '2.0.0' },
      bindings: bindings({ a: '2.0.0' }),
    },
    expected: { outcome: 'completed', rebind: [] },
  },
  {
    name: 'every move done but it was rolling back (health failed): back to from',
    input: {
      record: upgrade(['a', 'b'], { moved: ['a', 'b'], phase: 'rolling-back' }),
      driver: both,
      bindings: bindings({ a: '1.0.0', b: '2.0.0' }),
    },
    expected: { outcome: 'rolled-back', rebind: [{ version: '1.0.0', ids: ['b'] }] },
  },
  {
    name: 'no resources at all: completes (every move vacuously done)',
    input: { record: upgrade([]), driver: both, bindings: bindings({}) },
    expected: {
      outcome: 'completed',
      rebind: [],
      driver: { active: '2.0.0', previous: '1.0.0' },
    },
  },
  {
    name: 'a resource removed meanwhile is left alone',
    input: {
      record: upgrade(['a', 'gone'], { moved: ['a'], phase: 'moving' }),
      driver: both,
      bindings: bindings({ a: '2.0.0' }),
    },
    expected: { outcome: 'rolled-back', rebind: [{ version: '1.0.0', ids: ['a'] }] },
  },
  {
    name: 'interrupted rollback (from 2.0.0 back to 1.0.0 is "to" here): same rule',
    input: {
      record: upgrade(['a', 'b'], { moved: ['a'], phase: 'moving' }, 'rollback'),
      driver: both,
      bindings: bindings({ a: '2.0.0', b: '1.0.0' }),
    },
    expected: { outcome: 'rolled-back', rebind: [{ version: '1.0.0', ids: ['a'] }] },
  },
  {
    name: 'from no longer installed: the only consistent state is to',
    input: {
      record: upgrade(['a', 'b'], { moved: ['a'], phase: 'moving' }),
      driver: { versions: ['2.0.0'], active: '1.0.0' },
      bindings: bindings({ a: '2.0.0', b: '1.0.0' }),
    },
    expected: {
      outcome: 'completed',
      rebind: [{ version: '2.0.0', ids: ['b'] }],
      driver: { active: '2.0.0', previous: '1.0.0' },
    },
  },
  {
    name: 'forced uninstall, removal not written: resources back on their versions',
    input: {
      record: {
        ...upgrade([]),
        action: 'uninstall',
        from: '1.0.0',
        plan: moves(['a', 'b'], '1.0.0', '2.0.0'),
      },
      driver: both,
      bindings: bindings({ a: '2.0.0', b: '2.0.0' }),
    },
    expected: { outcome: 'rolled-back', rebind: [{ version: '1.0.0', ids: ['a', 'b'] }] },
  },
  {
    name: 'forced uninstall, removal written: every resource on the heir',
    input: {
      record: {
        ...upgrade([]),
        action: 'uninstall',
        from: '1.0.0',
        plan: moves(['a', 'b'], '1.0.0', '2.0.0'),
      },
      driver: { versions: ['2.0.0'], active: '2.0.0' },
      bindings: bindings({ a: '2.0.0', b: '1.0.0' }),
    },
    expected: { outcome: 'completed', rebind: [{ version: '2.0.0', ids: ['b'] }] },
  },
  {
    name: 'uninstall of every version, driver record gone: completed',
    input: {
      record: { ...upgrade([]), action: 'uninstall', from: '1.0.0,2.0.0', plan: { moves: [] } },
      driver: undefined,
      bindings: bindings({}),
    },
    expected: { outcome: 'completed', rebind: [] },
  },
  {
    name: 'install whose version was recorded: completed',
    input: {
      record: { ...upgrade([]), action: 'install', to: '2.0.0' },
      driver: both,
      bindings: bindings({}),
    },
    expected: { outcome: 'completed', rebind: [] },
  },
  {
    name: 'install cut short before its version was recorded: rolled back (nothing installed)',
    input: {
      record: { ...upgrade([]), action: 'install', to: '3.0.0' },
      driver: both,
      bindings: bindings({}),
    },
    expected: { outcome: 'rolled-back', rebind: [] },
  },
];

describe('planRecovery (plan + progress + persisted state → actions)', () => {
  it.each(cases)('$name', ({ input, expected }) => {
    expect(planRecovery(input)).toEqual(expected);
  });

  it('groups moves by target version in plan order', () => {
    const plan = planRecovery({
      record: {
        ...upgrade([]),
        action: 'uninstall',
        from: '1.0.0,1.5.0',
        plan: {
          moves: [
            { id: 'a', from: '1.0.0', to: '2.0.0' },
            { id: 'b', from: '1.5.0', to: '2.0.0' },
            { id: 'c', from: '1.0.0', to: '2.0.0' },
          ],
        },
      },
      driver: { versions: ['1.0.0', '1.5.0', '2.0.0'], active: '2.0.0' },
      bindings: bindings({ a: '2.0.0', b: '2.0.0', c: '2.0.0' }),
    });
    expect(plan.rebind).toEqual([
      { version: '1.0.0', ids: ['a'] },
      { version: '1.5.0', ids: ['b'] },
      { version: '1.0.0', ids: ['c'] },
    ]);
  });
});
