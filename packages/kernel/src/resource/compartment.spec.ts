import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChassisError } from '../errors/chassis-error.js';
import { createCompartment } from './compartment.js';
import type { Resource } from './resource.js';

const pool: Resource = {
  id: 'pool-1',
  kind: 'primary-storage-pool',
  category: 'storage',
  driverId: 'com.example.solidfire',
};

interface Drv {
  readonly gen: number;
}

/** A promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every already-queued microtask (and those they queue, a few levels deep) run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (ChassisError.is(err)) return err.code;
    throw err;
  }
  throw new Error('expected a rejection');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('compartment: serial execution', () => {
  it('returns the result of sync and async operations and names the resource', async () => {
    const c = createCompartment<Drv>(pool, { gen: 1 });
    expect(c.name).toBe('pool-1');
    expect(createCompartment(pool, {}, { name: 'sf/pool-1' }).name).toBe('sf/pool-1');
    expect(await c.submit((d) => d.gen + 1)).toBe(2);
    expect(await c.submit(async (d) => d.gen + 2)).toBe(3);
    expect(c.state).toBe('active');
    expect(c.busy).toBe(false);
  });

  it('runs one operation at a time in submission order', async () => {
    const c = createCompartment(pool, {});
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const done = gates.map((g, i) =>
      c.submit(async () => {
        log.push(`start ${i}`);
        await g.promise;
        log.push(`end ${i}`);
      }),
    );
    expect(c.busy).toBe(true);
    expect(c.queued).toBe(2);
    gates[2].resolve();
    gates[1].resolve();
    await flush();
    expect(log).toEqual(['start 0']);
    gates[0].resolve();
    await Promise.all(done);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('rejects only the failing operation, sync or async, and keeps going', async () => {
    const c = createCompartment(pool, {});
    const boom = new ChassisError('CHASSIS_E_INTERNAL', 'boom');
    const a = c.submit(async () => {
      throw boom;
    });
    const b = c.submit(() => {
      throw new Error('sync boom');
    });
    const d = c.submit(async () => 'ok');
    await expect(a).rejects.toBe(boom);
    await expect(b).rejects.toThrow('sync boom');
    await expect(d).resolves.toBe('ok');
    // the idle fast path too
    await expect(
      c.submit(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await c.submit(() => 1)).toBe(1);
  });

  it('queues work submitted from inside a running operation after it', async () => {
    const c = createCompartment(pool, {});
    const log: string[] = [];
    let inner: Promise<void> | undefined;
    await c.submit(() => {
      inner = c.submit(() => {
        log.push('inner');
      });
      log.push('outer');
    });
    await inner;
    expect(log).toEqual(['outer', 'inner']);
  });

  it('runs a long queue of synchronous operations without growing the stack', async () => {
    const c = createCompartment(pool, {});
    c.suspend();
    let n = 0;
    const all = Array.from({ length: 50_000 }, () => c.submit(() => ++n));
    c.resume();
    const results = await Promise.all(all);
    expect(n).toBe(50_000);
    expect(results[49_999]).toBe(50_000);
  });

  it('survives an op result whose then getter throws', async () => {
    const c = createCompartment(pool, {});
    const hostile = () =>
      Object.defineProperty({}, 'then', {
        get() {
          throw new Error('hostile');
        },
      });
    await expect(c.submit(hostile)).rejects.toThrow('hostile');
    c.suspend();
    const queued = c.submit(hostile);
    c.resume();
    await expect(queued).rejects.toThrow('hostile');
    expect(c.busy).toBe(false);
    expect(await c.submit(() => 'next')).toBe('next');
  });

  it('treats a foreign thenable as async', async () => {
    const c = createCompartment(pool, {});
    // biome-ignore lint/suspicious/noThenProperty: the point is a foreign thenable
    const thenable = { then: (ok: (v: number) => void) => ok(7) };
    expect(await c.submit(() => thenable as unknown as Promise<number>)).toBe(7);
  });
});

describe('compartment: suspend, drain, rebind, resume', () => {
  it('holds new work while suspended and runs it in order on the rebound instance', async () => {
    const c = createCompartment<Drv>(pool, { gen: 1 });
    const gate = deferred();
    const seen: number[] = [];
    const first = c.submit(async (d) => {
      await gate.promise;
      seen.push(d.gen);
    });
    c.suspend();
    c.suspend(); // idempotent
    const later = [1, 2, 3].map(() => c.submit((d) => seen.push(d.gen)));
    let drained = false;
    const drain = c.drain().then(() => {
      drained = true;
    });
    await flush();
    expect(drained).toBe(false);
    gate.resolve();
    await drain;
    expect(seen).toEqual([1]);
    expect(c.busy).toBe(false);
    expect(c.queued).toBe(3);
    c.rebind({ gen: 2 });
    expect(c.driver.gen).toBe(2);
    await flush();
    expect(seen).toEqual([1]);
    c.resume();
    c.resume(); // idempotent
    await first;
    await Promise.all(later);
    expect(seen).toEqual([1, 2, 2, 2]);
  });

  it('lets the in-flight operation keep the instance it started with', async () => {
    const c = createCompartment<Drv>(pool, { gen: 1 });
    const gate = deferred();
    const running = c.submit(async (d) => {
      await gate.promise;
      return d.gen;
    });
    c.suspend();
    c.rebind({ gen: 2 });
    const next = c.submit((d) => d.gen);
    c.resume();
    gate.resolve();
    expect(await running).toBe(1);
    expect(await next).toBe(2);
  });

  it('drain resolves at once when idle, and waits for the queue when active', async () => {
    const c = createCompartment(pool, {});
    await c.drain();
    const gates = [deferred(), deferred()];
    const log: number[] = [];
    for (const [i, g] of gates.entries()) void c.submit(() => g.promise.then(() => log.push(i)));
    const drained = c.drain().then(() => [...log]);
    gates[0].resolve();
    await flush();
    gates[1].resolve();
    expect(await drained).toEqual([0, 1]);
  });

  it('refuses rebind unless suspended', async () => {
    const c = createCompartment<Drv>(pool, { gen: 1 });
    expect(() => c.rebind({ gen: 2 })).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_RESOURCE_NOT_SUSPENDED' }),
    );
    expect(c.driver.gen).toBe(1);
    c.suspend();
    c.resume();
    expect(() => c.rebind({ gen: 2 })).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_RESOURCE_NOT_SUSPENDED' }),
    );
    await c.close();
    expect(() => c.rebind({ gen: 3 })).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_RESOURCE_CLOSED' }),
    );
  });
});

describe('compartment: suspend timeout', () => {
  it('rejects an op that waits too long in a suspended compartment and never runs it', async () => {
    vi.useFakeTimers();
    const c = createCompartment(pool, {});
    c.suspend();
    const ran: string[] = [];
    const timed = c.submit(() => ran.push('timed'), { suspendTimeoutMs: 100 });
    const patient = c.submit(() => ran.push('patient'));
    const outcome = codeOf(timed);
    vi.advanceTimersByTime(99);
    expect(c.queued).toBe(2);
    vi.advanceTimersByTime(1);
    expect(await outcome).toBe('CHASSIS_E_RESOURCE_SUSPEND_TIMEOUT');
    expect(c.queued).toBe(1);
    c.resume();
    await patient;
    expect(ran).toEqual(['patient']);
  });

  it('counts only suspended time: waiting behind active work does not time out', async () => {
    vi.useFakeTimers();
    const c = createCompartment(pool, {});
    const gate = deferred();
    void c.submit(() => gate.promise);
    const queued = c.submit(() => 'ran', { suspendTimeoutMs: 50 });
    vi.advanceTimersByTime(1_000);
    gate.resolve();
    expect(await queued).toBe('ran');
  });

  it('starts the clock at suspend() for work queued while active, and stops it at resume()', async () => {
    vi.useFakeTimers();
    const c = createCompartment(pool, {});
    const gate = deferred();
    void c.submit(() => gate.promise);
    const first = c.submit(() => 'first', { suspendTimeoutMs: 50 });
    vi.advanceTimersByTime(1_000);
    c.suspend();
    vi.advanceTimersByTime(40);
    c.resume(); // still blocked behind the gate, but active again: the clock stops
    vi.advanceTimersByTime(1_000);
    const second = codeOf(c.submit(() => 'second', { suspendTimeoutMs: 30 }));
    c.suspend(); // a new suspension: each queued op gets its full allowance again
    vi.advanceTimersByTime(30);
    expect(await second).toBe('CHASSIS_E_RESOURCE_SUSPEND_TIMEOUT');
    expect(c.queued).toBe(1); // `first` (50 ms) is still waiting
    c.resume();
    gate.resolve();
    expect(await first).toBe('first');
  });

  it('rejects malformed timeouts', async () => {
    const c = createCompartment(pool, {});
    expect(await codeOf(c.submit(() => 1, { suspendTimeoutMs: -1 }))).toBe(
      'CHASSIS_E_RESOURCE_INVALID',
    );
    expect(await codeOf(c.submit(() => 1, { timeoutMs: Number.NaN }))).toBe(
      'CHASSIS_E_RESOURCE_INVALID',
    );
  });
});

describe('compartment: caller abort', () => {
  it('rejects an already-aborted submission without running it', async () => {
    const c = createCompartment(pool, {});
    const ctl = new AbortController();
    ctl.abort(new Error('user cancelled'));
    let ran = false;
    const p = c.submit(
      () => {
        ran = true;
      },
      { signal: ctl.signal },
    );
    const err = await p.catch((e: unknown) => e);
    expect(ChassisError.is(err, 'CHASSIS_E_RESOURCE_OP_ABORTED')).toBe(true);
    expect((err as ChassisError).cause).toBe(ctl.signal.reason);
    expect(ran).toBe(false);
  });

  it('removes a queued operation when its signal aborts', async () => {
    const c = createCompartment(pool, {});
    const gate = deferred();
    const log: string[] = [];
    void c.submit(() => gate.promise);
    const ctl = new AbortController();
    const aborted = c.submit(() => log.push('aborted'), { signal: ctl.signal });
    const kept = c.submit(() => log.push('kept'));
    expect(c.queued).toBe(2);
    ctl.abort();
    expect(await codeOf(aborted)).toBe('CHASSIS_E_RESOURCE_OP_ABORTED');
    expect(c.queued).toBe(1);
    gate.resolve();
    await kept;
    expect(log).toEqual(['kept']);
  });

  it('hands the caller signal to a running operation, which decides how to stop', async () => {
    const c = createCompartment(pool, {});
    const ctl = new AbortController();
    const started = deferred();
    const p = c.submit(
      (_d, signal) =>
        new Promise((_res, rej) => {
          started.resolve();
          signal.addEventListener('abort', () => rej(signal.reason), { once: true });
        }),
      { signal: ctl.signal },
    );
    await started.promise;
    ctl.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(c.busy).toBe(false);
  });

  it('hands the caller signal itself to the op, on the idle and the queued path', async () => {
    vi.useFakeTimers();
    const c = createCompartment(pool, {});
    const ctl = new AbortController();
    const opts = { signal: ctl.signal, suspendTimeoutMs: 10 };
    expect(await c.submit((_d, s) => s, opts)).toBe(ctl.signal);
    c.suspend();
    const queued = c.submit((_d, s) => s, { signal: ctl.signal });
    c.resume();
    expect(await queued).toBe(ctl.signal);
  });

  it('gives ops without a signal one that never aborts', async () => {
    const c = createCompartment(pool, {});
    const signal = await c.submit((_d, s) => s);
    expect(signal.aborted).toBe(false);
    await c.close();
    expect(signal.aborted).toBe(false);
  });
});

describe('compartment: run timeout', () => {
  it('rejects the caller and aborts the op signal, but keeps the queue serial', async () => {
    vi.useFakeTimers();
    const c = createCompartment(pool, {});
    const gate = deferred();
    let signal: AbortSignal | undefined;
    const slow = c.submit(
      async (_d, s) => {
        signal = s;
        await gate.promise;
      },
      { timeoutMs: 100 },
    );
    const next = c.submit(() => 'next');
    const outcome = codeOf(slow);
    vi.advanceTimersByTime(100);
    expect(await outcome).toBe('CHASSIS_E_RESOURCE_OP_TIMEOUT');
    expect(signal?.aborted).toBe(true);
    expect(c.busy).toBe(true); // still waiting for the slow op to settle
    gate.resolve();
    expect(await next).toBe('next');
  });

  it('does not time out an op that settles in time, and combines with a caller signal', async () => {
    vi.useFakeTimers();
    const c = createCompartment(pool, {});
    const ctl = new AbortController();
    let signal: AbortSignal | undefined;
    const ok = c.submit(
      async (_d, s) => {
        signal = s;
        return 'ok';
      },
      { timeoutMs: 100, signal: ctl.signal },
    );
    expect(await ok).toBe('ok');
    vi.advanceTimersByTime(1_000);
    expect(signal?.aborted).toBe(false);
    // The caller's signal is followed only while the op runs (see deadline.spec.ts): a later
    // abort of it neither reaches the settled op's signal nor the next op's.
    ctl.abort();
    expect(signal?.aborted).toBe(false);
    const running = c.submit((_d, s) => s, { timeoutMs: 100 });
    expect((await running).aborted).toBe(false);
  });

  it('aborts the op signal with the caller reason when the caller aborts while it runs', async () => {
    vi.useFakeTimers();
    const c = createCompartment(pool, {});
    const ctl = new AbortController();
    const seen = c.submit(
      (_d, s) => {
        ctl.abort(new Error('stop'));
        return s;
      },
      { timeoutMs: 100, signal: ctl.signal },
    );
    const signal = await seen;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toEqual(new Error('stop'));
    expect(await c.submit((_d, s) => s.aborted, { timeoutMs: 100 })).toBe(false);
  });
});

describe('compartment: close', () => {
  it('finishes in-flight work, then rejects queued work and refuses new work', async () => {
    const c = createCompartment(pool, {});
    const gate = deferred();
    const inflight = c.submit(async () => {
      await gate.promise;
      return 'finished';
    });
    const queued = c.submit(() => 'never');
    let closed = false;
    const closing = c.close().then(() => {
      closed = true;
    });
    expect(c.state).toBe('closed');
    expect(c.close()).toBe(c.close()); // idempotent
    expect(await codeOf(c.submit(() => 1))).toBe('CHASSIS_E_RESOURCE_CLOSED');
    expect(await codeOf(c.submit(() => 1, { suspendTimeoutMs: 5 }))).toBe(
      'CHASSIS_E_RESOURCE_CLOSED',
    );
    await flush();
    expect(closed).toBe(false);
    expect(c.queued).toBe(1);
    gate.resolve();
    expect(await inflight).toBe('finished');
    expect(await codeOf(queued)).toBe('CHASSIS_E_RESOURCE_CLOSED');
    await closing;
    expect(c.queued).toBe(0);
  });

  it('closes a suspended compartment, rejecting what it held; suspend/resume are then no-ops', async () => {
    const c = createCompartment(pool, {});
    c.suspend();
    const held = c.submit(() => 1);
    await c.close();
    expect(await codeOf(held)).toBe('CHASSIS_E_RESOURCE_CLOSED');
    c.suspend();
    c.resume();
    expect(c.state).toBe('closed');
    await c.drain();
  });
});
