import { describe, expect, it } from 'vitest';
import { ChassisError } from '../errors/chassis-error.js';
import { runStep } from './step.js';

const T = { id: 'com.example.kvm', version: '1.0.0' };

async function rejection(p: Promise<unknown>): Promise<ChassisError> {
  try {
    await p;
  } catch (error) {
    if (ChassisError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('runStep', () => {
  it('resolves when the step resolves, with a live signal', async () => {
    let signal: AbortSignal | undefined;
    await runStep(T, 'start', 1000, async (s) => {
      signal = s;
    });
    expect(signal?.aborted).toBe(false);
  });

  it('wraps a throw (sync or async) as STEP_FAILED and keeps the cause', async () => {
    const cause = new Error('disk on fire');
    for (const fn of [
      () => {
        throw cause;
      },
      async () => Promise.reject(cause),
    ]) {
      const err = await rejection(runStep(T, 'stop', 1000, fn));
      expect(err.code).toBe('CHASSIS_E_LIFECYCLE_STEP_FAILED');
      expect(err.cause).toBe(cause);
      expect(err.details).toEqual({ driver: T.id, version: T.version, step: 'stop' });
    }
  });

  it('wraps a thrown ChassisError too, keeping it as the cause', async () => {
    const cause = new ChassisError('CHASSIS_E_INTERNAL', 'inner');
    const err = await rejection(runStep(T, 'start', 1000, () => Promise.reject(cause)));
    expect(err.code).toBe('CHASSIS_E_LIFECYCLE_STEP_FAILED');
    expect(ChassisError.is(err.cause, 'CHASSIS_E_INTERNAL')).toBe(true);
  });

  it('times out a hanging step and aborts its signal with the timeout error', async () => {
    let signal: AbortSignal | undefined;
    const err = await rejection(
      runStep(T, 'start', 50, (s) => {
        signal = s;
        return new Promise<void>(() => {});
      }),
    );
    expect(err.code).toBe('CHASSIS_E_LIFECYCLE_STEP_TIMEOUT');
    expect(err.details).toMatchObject({ driver: T.id, step: 'start', timeoutMs: 50 });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(err);
  });

  it('a step that rejects after its deadline does not leak an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const err = await rejection(
        runStep(
          T,
          'stop',
          20,
          (s) =>
            new Promise<void>((_, reject) =>
              s.addEventListener('abort', () => reject(new Error('aborted late'))),
            ),
        ),
      );
      expect(err.code).toBe('CHASSIS_E_LIFECYCLE_STEP_TIMEOUT');
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
