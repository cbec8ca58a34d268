import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChassisError } from '../errors/chassis-error.js';
import { createCompartment } from './compartment.js';
import type { Resource } from './resource.js';

/*
 * Model-based property: random interleavings of submits (sync / microtask-delayed / gated by
 * the test; some throwing; some abortable), suspends, resumes, rebinds, drains, aborts, a
 * close and microtask ticks. Every delay is a microtask hop or an explicit gate the script
 * opens, so a run is deterministic, timer-free and takes well under a millisecond.
 */

const pool: Resource = {
  id: 'pool-p',
  kind: 'primary-storage-pool',
  category: 'storage',
  driverId: 'com.example.drv',
};

/** Driver instances are tagged with the generation that bound them. */
interface Drv {
  readonly gen: number;
}

type OpKind =
  | { readonly t: 'sync'; readonly fail: boolean }
  | { readonly t: 'micro'; readonly hops: number; readonly fail: boolean }
  | { readonly t: 'gated'; readonly fail: boolean };

type Action =
  | { readonly a: 'submit'; readonly op: OpKind; readonly abortable: boolean }
  | { readonly a: 'suspend' }
  | { readonly a: 'resume' }
  | { readonly a: 'rebind' }
  | { readonly a: 'drain' }
  | { readonly a: 'release' }
  | { readonly a: 'abort'; readonly pick: number }
  | { readonly a: 'tick'; readonly hops: number }
  | { readonly a: 'close' };

const opKind: fc.Arbitrary<OpKind> = fc.oneof(
  fc.record({ t: fc.constant('sync' as const), fail: fc.boolean() }),
  fc.record({ t: fc.constant('micro' as const), hops: fc.nat(4), fail: fc.boolean() }),
  fc.record({ t: fc.constant('gated' as const), fail: fc.boolean() }),
);

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      a: fc.constant('submit' as const),
      op: opKind,
      abortable: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ a: 'suspend' as const }) },
  { weight: 2, arbitrary: fc.constant({ a: 'resume' as const }) },
  { weight: 2, arbitrary: fc.constant({ a: 'rebind' as const }) },
  { weight: 1, arbitrary: fc.constant({ a: 'drain' as const }) },
  { weight: 3, arbitrary: fc.constant({ a: 'release' as const }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('abort' as const), pick: fc.nat(50) }) },
  {
    weight: 3,
    arbitrary: fc.record({ a: fc.constant('tick' as const), hops: fc.integer({ min: 1, max: 6 }) }),
  },
);

/** Scripts end with at most one close, somewhere in the middle or at the end. */
const script: fc.Arbitrary<Action[]> = fc
  .tuple(fc.array(action, { maxLength: 40 }), fc.option(fc.nat(40), { nil: undefined }))
  .map(([actions, closeAt]) =>
    closeAt === undefined
      ? actions
      : [...actions.slice(0, closeAt), { a: 'close' as const }, ...actions.slice(closeAt)],
  );

interface Rec {
  readonly seq: number;
  readonly op: OpKind;
  runs: number;
  started: boolean;
  finished: boolean;
  abortedBeforeStart: boolean;
  submittedAfterClose: boolean;
  ctl?: AbortController;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

async function hops(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

async function runScript(actions: readonly Action[]): Promise<void> {
  let gen = 1;
  let state: 'active' | 'suspended' | 'closed' = 'active';
  const c = createCompartment<Drv>(pool, { gen });
  const recs: Rec[] = [];
  const startOrder: number[] = [];
  const violations: string[] = [];
  const gates: (() => void)[] = [];
  const drains: Promise<void>[] = [];
  let inflight = 0;
  let closing: Promise<void> | undefined;

  const makeOp = (rec: Rec) => (d: Drv) => {
    rec.runs++;
    rec.started = true;
    inflight++;
    if (inflight !== 1) violations.push(`op ${rec.seq} overlapped another op`);
    if (state !== 'active') violations.push(`op ${rec.seq} started while ${state}`);
    if (d.gen !== gen || d !== c.driver)
      violations.push(`op ${rec.seq} got generation ${d.gen}, bound is ${gen}`);
    startOrder.push(rec.seq);
    const end = () => {
      inflight--;
      rec.finished = true;
      if (rec.op.fail) throw new Error(`op ${rec.seq} failed`);
      return rec.seq * 10 + d.gen;
    };
    const op = rec.op;
    if (op.t === 'sync') return end();
    if (op.t === 'micro') return hops(op.hops).then(end);
    return new Promise<void>((resolve) => gates.push(resolve)).then(end);
  };

  for (const act of actions) {
    switch (act.a) {
      case 'submit': {
        const rec: Rec = {
          seq: recs.length,
          op: act.op,
          runs: 0,
          started: false,
          finished: false,
          abortedBeforeStart: false,
          submittedAfterClose: state === 'closed',
        };
        if (act.abortable) rec.ctl = new AbortController();
        recs.push(rec);
        const p = c.submit(makeOp(rec), rec.ctl ? { signal: rec.ctl.signal } : undefined);
        p.then(
          (value) => {
            rec.outcome = { ok: true, value };
          },
          (error) => {
            rec.outcome = { ok: false, error };
          },
        );
        break;
      }
      case 'suspend':
        if (state === 'active') state = 'suspended';
        c.suspend();
        break;
      case 'resume':
        if (state === 'suspended') state = 'active';
        c.resume();
        break;
      case 'rebind':
        if (state === 'suspended') {
          gen++;
          c.rebind({ gen });
        } else {
          const code =
            state === 'closed' ? 'CHASSIS_E_RESOURCE_CLOSED' : 'CHASSIS_E_RESOURCE_NOT_SUSPENDED';
          expect(() => c.rebind({ gen: -1 })).toThrow(expect.objectContaining({ code }));
        }
        break;
      case 'drain': {
        const inFlightNow = recs.filter((r) => r.started && !r.finished);
        drains.push(
          c.drain().then(() => {
            for (const r of inFlightNow)
              if (!r.finished) violations.push(`drain resolved before op ${r.seq} finished`);
          }),
        );
        break;
      }
      case 'release':
        gates.shift()?.();
        break;
      case 'abort': {
        const live = recs.filter((r) => r.ctl && !r.ctl.signal.aborted);
        const rec = live.length > 0 ? live[act.pick % live.length] : undefined;
        if (rec) {
          rec.abortedBeforeStart = !rec.started;
          rec.ctl!.abort();
        }
        break;
      }
      case 'tick':
        await hops(act.hops);
        break;
      case 'close':
        state = 'closed';
        closing = c.close();
        break;
    }
  }

  // Wind down: resume, open every gate, let everything settle (bounded).
  if (state === 'suspended') {
    state = 'active';
    c.resume();
  }
  for (let i = 0; i < 500 && recs.some((r) => r.outcome === undefined); i++) {
    while (gates.length > 0) gates.shift()!();
    await hops(8);
  }
  await Promise.all(drains);
  await closing;

  expect(violations).toEqual([]);
  for (const r of recs) {
    expect(r.outcome, `op ${r.seq} never settled`).toBeDefined();
    const out = r.outcome!;
    if (r.submittedAfterClose) {
      expect(r.runs).toBe(0);
      expect(!out.ok && ChassisError.is(out.error, 'CHASSIS_E_RESOURCE_CLOSED')).toBe(true);
    } else if (!r.started) {
      // Not run: only a caller abort or a close may have taken it out of the queue.
      expect(r.abortedBeforeStart || closing !== undefined, `op ${r.seq} was lost`).toBe(true);
      const code = out.ok ? undefined : (out.error as ChassisError).code;
      expect(['CHASSIS_E_RESOURCE_OP_ABORTED', 'CHASSIS_E_RESOURCE_CLOSED']).toContain(code);
      if (closing === undefined) expect(code).toBe('CHASSIS_E_RESOURCE_OP_ABORTED');
    } else {
      expect(r.runs, `op ${r.seq} ran ${r.runs} times`).toBe(1);
      expect(r.abortedBeforeStart).toBe(false);
      if (r.op.fail) expect((out as { error: Error }).error.message).toBe(`op ${r.seq} failed`);
      else expect(out.ok && Math.floor((out.value as number) / 10)).toBe(r.seq);
    }
  }
  // FIFO: ops start in submission order, and exactly the ones that ran appear once each.
  const ran = recs.filter((r) => r.started).map((r) => r.seq);
  expect(startOrder).toEqual(ran);
  expect(c.busy).toBe(false);
  expect(c.queued).toBe(0);
}

describe('compartment properties', () => {
  it('keeps FIFO order and exactly-once execution across suspend/drain/rebind/resume/abort/close', async () => {
    await fc.assert(fc.asyncProperty(script, runScript), { numRuns: 400 });
  });

  it('runs each op on the instance bound when it started, even when rebound mid-flight', async () => {
    // A focused variant: many rebinds between gated ops, no aborts or close.
    const focused = fc.array(
      fc.oneof(
        fc.record({
          a: fc.constant('submit' as const),
          op: fc.record({ t: fc.constant('gated' as const), fail: fc.boolean() }),
          abortable: fc.constant(false),
        }),
        fc.constant({ a: 'suspend' as const }),
        fc.constant({ a: 'rebind' as const }),
        fc.constant({ a: 'resume' as const }),
        fc.constant({ a: 'release' as const }),
        fc.record({ a: fc.constant('tick' as const), hops: fc.integer({ min: 1, max: 3 }) }),
      ),
      { maxLength: 40 },
    );
    await fc.assert(fc.asyncProperty(focused, runScript), { numRuns: 200 });
  });
});
