import { ChassisError } from '@chassis/kernel';
import { describe, expect, it, vi } from 'vitest';
import { Executor } from './executor.js';

describe('Executor: the owner signal is watched with one listener per signal', () => {
  it('adds one listener for a signal handed to many calls, and removes none per call', async () => {
    const ex = new Executor();
    const ctl = new AbortController();
    const add = vi.spyOn(ctl.signal, 'addEventListener');
    const remove = vi.spyOn(ctl.signal, 'removeEventListener');
    for (let i = 0; i < 50; i++) await ex.run(async () => i, { signal: ctl.signal });
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove).not.toHaveBeenCalled();
  });

  it('settles every call still watching when the signal aborts, and no settled one', async () => {
    const ex = new Executor();
    const ctl = new AbortController();
    await ex.run(async () => 'done', { signal: ctl.signal });
    const aborted: unknown[] = [];
    const pending = [1, 2].map(() =>
      ex.run((cancel) => new Promise(() => cancel.onAbort((r) => aborted.push(r))), {
        signal: ctl.signal,
      }),
    );
    const reason = new ChassisError('CHASSIS_E_RESOURCE_OP_TIMEOUT', 'late');
    ctl.abort(reason);
    for (const p of pending) await expect(p).rejects.toBe(reason);
    expect(aborted).toEqual([reason, reason]);
    expect(ex.metrics()).toMatchObject({ inFlight: 0, timeouts: 2, calls: 3 });
  });
});
