import { ChassisError } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { Executor } from './executor.js';

const wrap = (err: unknown) => ({ wrapped: ChassisError.is(err) ? err.code : String(err) });

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('Executor.run with an error mapper', () => {
  it('maps the task’s rejection and sync throw, and leaves results alone', async () => {
    const ex = new Executor();
    expect(await ex.run(async () => 'ok', {}, wrap)).toBe('ok');
    expect(await rejection(ex.run(() => Promise.reject(new Error('a')), {}, wrap))).toEqual({
      wrapped: 'Error: a',
    });
    const sync = ex.run(
      () => {
        throw new Error('b');
      },
      {},
      wrap,
    );
    expect(await rejection(sync)).toEqual({ wrapped: 'Error: b' });
    expect(ex.metrics()).toMatchObject({ calls: 3, errors: 2 });
  });

  it('maps an owner’s typed abort reason, a plain abort and overload errors', async () => {
    const ex = new Executor({ concurrency: 1, maxQueue: 0 });
    const deadline = new AbortController();
    const timedOut = ex.run(() => new Promise(() => {}), { signal: deadline.signal }, wrap);
    const full = ex.run(async () => 1, {}, wrap);
    expect(await rejection(full)).toEqual({ wrapped: 'CHASSIS_E_EXEC_OVERLOADED' });
    deadline.abort(new ChassisError('CHASSIS_E_EXEC_TIMEOUT', 'late'));
    expect(await rejection(timedOut)).toEqual({ wrapped: 'CHASSIS_E_EXEC_TIMEOUT' });
    const pre = new AbortController();
    pre.abort();
    expect(await rejection(ex.run(async () => 1, { signal: pre.signal }, wrap))).toEqual({
      wrapped: 'CHASSIS_E_EXEC_ABORTED',
    });
  });

  it('rejects with what a throwing mapper threw instead of leaving the call unsettled', async () => {
    const ex = new Executor();
    const boom = new Error('mapper broke');
    const p = ex.run(
      () => Promise.reject(new Error('x')),
      {},
      () => {
        throw boom;
      },
    );
    expect(await rejection(p)).toBe(boom);
    expect(ex.metrics().inFlight).toBe(0);
  });
});
