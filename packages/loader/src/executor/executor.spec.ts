import { ChassisError } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { Executor } from './executor.js';

function deferred<T = unknown>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return ChassisError.is(err) ? err.code : `not a ChassisError: ${String(err)}`;
  }
}

describe('Executor', () => {
  it('runs at most `concurrency` calls at once and queues the rest in order', async () => {
    const ex = new Executor({ concurrency: 2, maxQueue: 10 });
    const gates = [deferred(), deferred(), deferred()];
    const order: number[] = [];
    const runs = gates.map((g, i) =>
      ex.run(async () => {
        order.push(i);
        return g.promise;
      }),
    );
    await Promise.resolve();
    expect(order).toEqual([0, 1]);
    expect(ex.metrics()).toMatchObject({ inFlight: 2, queued: 1 });
    gates[0].resolve('a');
    await runs[0];
    await Promise.resolve();
    expect(order).toEqual([0, 1, 2]);
    gates[1].resolve('b');
    gates[2].resolve('c');
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c']);
    expect(ex.metrics()).toMatchObject({ calls: 3, errors: 0, inFlight: 0, queued: 0 });
    expect(ex.metrics().latency.count).toBe(3);
  });

  it('rejects with CHASSIS_E_EXEC_OVERLOADED when the queue is full', async () => {
    const ex = new Executor({ concurrency: 1, maxQueue: 1 });
    const g = deferred();
    const a = ex.run(() => g.promise);
    const b = ex.run(() => g.promise);
    expect(await code(ex.run(() => g.promise))).toBe('CHASSIS_E_EXEC_OVERLOADED');
    expect(ex.metrics().rejected).toBe(1);
    g.resolve(1);
    await Promise.all([a, b]);
  });

  it("rejects with the owner's typed abort reason, aborts the task's signal and frees the slot", async () => {
    const ex = new Executor({ concurrency: 1, maxQueue: 5 });
    const owner = new AbortController();
    let seen: AbortSignal | undefined;
    const hung = ex.run(
      (cancel) => {
        seen = cancel.signal;
        return new Promise(() => {});
      },
      { signal: owner.signal },
    );
    const next = ex.run(async () => 'next');
    owner.abort(new ChassisError('CHASSIS_E_RESOURCE_OP_TIMEOUT', 'late'));
    expect(await code(hung)).toBe('CHASSIS_E_RESOURCE_OP_TIMEOUT');
    expect(seen?.aborted).toBe(true);
    expect(ChassisError.is(seen?.reason, 'CHASSIS_E_RESOURCE_OP_TIMEOUT')).toBe(true);
    expect(await next).toBe('next');
    expect(ex.metrics()).toMatchObject({ timeouts: 1, errors: 1, calls: 2, inFlight: 0 });
  });

  it('arms no timer of its own, and does not start a queued call past its deadline', async () => {
    const ex = new Executor({ concurrency: 1, maxQueue: 5 });
    const g = deferred();
    const a = ex.run(() => g.promise);
    let started = false;
    const late = ex.run(
      async () => {
        started = true;
      },
      { deadline: Date.now() - 1 },
    );
    g.resolve(1);
    await a;
    expect(await code(late)).toBe('CHASSIS_E_EXEC_TIMEOUT');
    expect(started).toBe(false);
    expect(ex.metrics()).toMatchObject({ queued: 0, inFlight: 0, timeouts: 1 });
  });

  it('caller abort gives CHASSIS_E_EXEC_ABORTED, before or while running', async () => {
    const ex = new Executor({ concurrency: 1, maxQueue: 5 });
    const pre = new AbortController();
    pre.abort();
    expect(await code(ex.run(async () => 1, { signal: pre.signal }))).toBe(
      'CHASSIS_E_EXEC_ABORTED',
    );
    const ac = new AbortController();
    const p = ex.run(() => new Promise(() => {}), { signal: ac.signal });
    ac.abort(new Error('user'));
    expect(await code(p)).toBe('CHASSIS_E_EXEC_ABORTED');
    expect(ex.metrics().inFlight).toBe(0);
  });

  it('counts errors from tasks that throw synchronously or reject', async () => {
    const ex = new Executor();
    await expect(
      ex.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(ex.run(() => Promise.reject(new Error('async')))).rejects.toThrow('async');
    expect(ex.metrics()).toMatchObject({ calls: 2, errors: 2 });
  });
});
