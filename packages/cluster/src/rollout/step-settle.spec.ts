import { ChassisError, serializeError } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { commitAnswered, stepStarted } from './record-updates.js';
import {
  batchKey,
  MAX_STEP_ROUNDS,
  ownersUnavailable,
  settleStep,
  toReassign,
  withDeparted,
} from './step-settle.js';
import { plannedRollout } from './testing.js';
import type { ClusterFacts, ClusterRolloutRecord, MoveResult } from './types.js';

/** all-at-once over a1, a2 (member a), b1 (member b), committers a, b, c: one step, two batches. */
const RESOURCES = [
  { id: 'a1', owner: 'a' },
  { id: 'a2', owner: 'a' },
  { id: 'b1', owner: 'b' },
];
const started = (): ClusterRolloutRecord =>
  stepStarted(plannedRollout({ resources: RESOURCES, leader: 'c', members: ['c'] }), 0);

const ok = (...ids: string[]): MoveResult => ({
  ok: true,
  moved: ids.map((id) => ({ id, from: '1', to: '2' })),
});
const unhealthy: MoveResult = {
  ok: false,
  moved: [],
  error: serializeError(new ChassisError('CHASSIS_E_UPGRADE_HEALTH_FAILED', 'injected')),
};
const answers = (o: Record<string, MoveResult>) => new Map(Object.entries(o));
/** The cluster after `gone` left: its resources owned by `heir` (or by nobody yet). */
const facts = (
  o: { gone?: string; heir?: string; deleted?: string[] } = {},
  ids = ['a1', 'a2', 'b1'],
): ClusterFacts => {
  const alive = new Set(['a', 'b', 'c'].filter((m) => m !== o.gone));
  const owners = new Map<string, string>();
  for (const r of RESOURCES) {
    const owner = r.owner === o.gone ? o.heir : r.owner;
    if (owner) owners.set(r.id, owner);
  }
  return { owners, alive, present: new Set(ids.filter((id) => !o.deleted?.includes(id))) };
};

const statuses = (r: ClusterRolloutRecord) =>
  Object.fromEntries(Object.entries(r.resources).map(([id, o]) => [id, `${o.status}@${o.member}`]));

describe('settleStep: a step re-planned while owners come and go', () => {
  it.each<{
    name: string;
    answers: Record<string, MoveResult>;
    facts?: ClusterFacts;
    step: string;
    phase: string;
    resources: Record<string, string>;
    ask: string[];
    superseded?: string[];
    waiting?: string[];
  }>([
    {
      name: 'every batch answered ok: done',
      answers: { 'a#0': ok('a1', 'a2'), 'b#0': ok('b1') },
      facts: facts(),
      step: 'done',
      phase: 'moving',
      resources: { a1: 'moved@a', a2: 'moved@a', b1: 'moved@b' },
      ask: [],
    },
    {
      name: 'nothing answered, every member alive: both batches asked',
      answers: {},
      facts: facts(),
      step: 'running',
      phase: 'moving',
      resources: { a1: 'moving@a', a2: 'moving@a', b1: 'moving@b' },
      ask: ['a#0', 'b#0'],
    },
    {
      name: 'a real failure (health check) with no batch open: failed, rolling back',
      answers: { 'a#0': ok('a1', 'a2'), 'b#0': unhealthy },
      facts: facts(),
      step: 'failed',
      phase: 'rolling-back',
      resources: { a1: 'moved@a', a2: 'moved@a', b1: 'failed@b' },
      ask: [],
    },
    {
      name: 'a failure while another batch is open: its answer is awaited first',
      answers: { 'b#0': unhealthy },
      facts: facts(),
      step: 'running',
      phase: 'moving',
      resources: { a1: 'moving@a', a2: 'moving@a', b1: 'failed@b' },
      ask: ['a#0'],
    },
    {
      name: 'b left before answering, c took b1 over: b1 goes to c in round 1',
      answers: { 'a#0': ok('a1', 'a2') },
      facts: facts({ gone: 'b', heir: 'c' }),
      step: 'running',
      phase: 'moving',
      resources: { a1: 'moved@a', a2: 'moved@a', b1: 'moving@c' },
      ask: ['c#1'],
      superseded: ['b#0'],
    },
    {
      name: 'b left, its lease not taken over yet: b1 waits, nothing else is asked',
      answers: { 'a#0': ok('a1', 'a2') },
      facts: facts({ gone: 'b' }),
      step: 'running',
      phase: 'moving',
      resources: { a1: 'moved@a', a2: 'moved@a', b1: 'moving@b' },
      ask: [],
      superseded: ['b#0'],
      waiting: ['b1'],
    },
    {
      name: 'a answered that it no longer serves a2 (moved to b): a2 goes to b, a1 is moved',
      answers: {
        'a#0': { ok: true, moved: [{ id: 'a1', from: '1', to: '2' }], notServed: ['a2'] },
        'b#0': ok('b1'),
      },
      facts: { ...facts(), owners: new Map([...facts().owners, ['a2', 'b']]) },
      step: 'running',
      phase: 'moving',
      resources: { a1: 'moved@a', a2: 'moving@b', b1: 'moved@b' },
      ask: ['b#1'],
    },
    {
      name: 'not served and no ownership facts: a failure, as without a re-plan',
      answers: {
        'a#0': { ok: true, moved: [{ id: 'a1', from: '1', to: '2' }], notServed: ['a2'] },
        'b#0': ok('b1'),
      },
      step: 'failed',
      phase: 'rolling-back',
      resources: { a1: 'moved@a', a2: 'failed@a', b1: 'moved@b' },
      ask: [],
    },
    {
      name: 'b left and b1 was deleted meanwhile: deleted, the step is done',
      answers: { 'a#0': ok('a1', 'a2') },
      facts: facts({ gone: 'b', heir: 'c', deleted: ['b1'] }),
      step: 'done',
      phase: 'moving',
      resources: { a1: 'moved@a', a2: 'moved@a', b1: 'deleted@b' },
      ask: [],
      superseded: ['b#0'],
    },
    {
      name: 'b answered before it left: its answer counts, nothing is re-assigned',
      answers: { 'a#0': ok('a1', 'a2'), 'b#0': ok('b1') },
      facts: facts({ gone: 'b', heir: 'c' }),
      step: 'done',
      phase: 'moving',
      resources: { a1: 'moved@a', a2: 'moved@a', b1: 'moved@b' },
      ask: [],
    },
    {
      name: 'a left after its resources moved: they stay moved, only b is asked',
      answers: { 'a#0': ok('a1', 'a2') },
      facts: facts({ gone: 'a', heir: 'c' }),
      step: 'running',
      phase: 'moving',
      resources: { a1: 'moved@a', a2: 'moved@a', b1: 'moving@b' },
      ask: ['b#0'],
    },
  ])('$name', (t) => {
    const s = settleStep(started(), 0, answers(t.answers), t.facts);
    expect(s.record.steps[0]).toBe(t.step);
    expect(s.record.phase).toBe(t.phase);
    expect(statuses(s.record)).toEqual(t.resources);
    expect(s.ask.map(batchKey)).toEqual(t.ask);
    expect(s.superseded.map(batchKey)).toEqual(t.superseded ?? []);
    expect(s.waiting).toEqual(t.waiting ?? []);
  });

  it('a re-assignment is recorded in the plan, the batches, the committers and the audit list', () => {
    const s = settleStep(
      started(),
      0,
      answers({ 'a#0': ok('a1', 'a2') }),
      facts({ gone: 'b', heir: 'c' }),
    );
    const step = s.record.plan.steps[0];
    expect(step?.moves.find((m) => m.resource === 'b1')).toEqual({
      resource: 'b1',
      member: 'c',
      round: 1,
    });
    expect(step?.batches.map(batchKey)).toEqual(['a#0', 'b#0', 'c#1']);
    expect(s.record.reassigned).toEqual([
      { step: 0, resource: 'b1', from: 'b', to: 'c', round: 1 },
    ]);
    // The new owner's answer settles the step: a resource already moved is reported moved.
    const next = settleStep(
      s.record,
      0,
      answers({
        'a#0': ok('a1', 'a2'),
        'c#1': { ok: true, moved: [{ id: 'b1', from: '2', to: '2' }] },
      }),
      facts({ gone: 'b', heir: 'c' }),
    );
    expect(next.record.steps[0]).toBe('done');
    expect(statuses(next.record).b1).toBe('moved@c');
    // Nothing changed: the same record, nothing to write.
    const again = settleStep(next.record, 0, answers({}), facts({ gone: 'b', heir: 'c' }));
    expect(again.changed).toBe(false);
  });

  it('a new owner that joined the rollout mid-way is asked to commit too', () => {
    const rec = stepStarted(plannedRollout({ resources: RESOURCES }), 0);
    expect(rec.plan.members).toEqual(['a', 'b']);
    const s = settleStep(
      rec,
      0,
      answers({ 'a#0': ok('a1', 'a2') }),
      facts({ gone: 'b', heir: 'c' }),
    );
    expect(s.record.plan.members).toEqual(['a', 'b', 'c']);
  });

  it('toReassign names what the coordinator must read the records of', () => {
    expect(toReassign(started(), 0, answers({}), new Set(['a', 'c']))).toEqual(['b1']);
    expect(toReassign(started(), 0, answers({}), new Set(['a', 'b', 'c']))).toEqual([]);
  });

  it(`past ${MAX_STEP_ROUNDS} rounds the step fails instead of re-planning forever`, () => {
    let rec = started();
    const step = rec.plan.steps[0];
    if (!step) throw new Error('no step');
    rec = {
      ...rec,
      plan: {
        ...rec.plan,
        steps: [
          {
            ...step,
            batches: [...step.batches, { member: 'c', resources: ['b1'], round: MAX_STEP_ROUNDS }],
          },
        ],
      },
    };
    const s = settleStep(
      rec,
      0,
      answers({ 'a#0': ok('a1', 'a2') }),
      facts({ gone: 'b', heir: 'c' }),
    );
    expect(s.record.steps[0]).toBe('failed');
    expect(s.record.error?.cause?.code).toBe('CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE');
  });

  it('ownersUnavailable fails the step with a retryable cause', () => {
    const r = ownersUnavailable(started(), 0, ['b1'], 61_000);
    expect([r.steps[0], r.phase, r.error?.code, r.error?.cause?.code]).toEqual([
      'failed',
      'rolling-back',
      'CHASSIS_E_CLUSTER_ROLLOUT_FAILED',
      'CHASSIS_E_CLUSTER_OWNER_UNAVAILABLE',
    ]);
  });
});

describe('the commit without the members that left', () => {
  it.each([
    {
      alive: ['a', 'b', 'c'],
      departed: undefined,
      committers: ['a', 'b', 'c'],
      state: 'succeeded',
    },
    { alive: ['a', 'c'], departed: ['b'], committers: ['a', 'c'], state: 'succeeded' },
  ])(
    'alive $alive: departed $departed, $state once $committers committed',
    ({ alive, departed, committers, state }) => {
      const rec = withDeparted({ ...started(), phase: 'committing' }, new Set(alive));
      expect(rec.departed).toEqual(departed);
      const closed = commitAnswered(
        rec,
        committers,
        committers.map(() => ok()),
        't2',
      );
      expect(closed.state).toBe(state);
    },
  );

  it('a member alive that does not commit still fails the rollout (positive control)', () => {
    const rec = withDeparted({ ...started(), phase: 'committing' }, new Set(['a', 'c']));
    const closed = commitAnswered(rec, ['a', 'c'], [ok(), unhealthy], 't2');
    expect(closed.state).toBe('failed');
    expect(closed.error?.details.members).toEqual(['c']);
  });
});
