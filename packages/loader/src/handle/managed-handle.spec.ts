import { ChassisError } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { exponentialBackoff } from '../backoff.js';
import type { DriverMemory, Environment } from './environment.js';
import { DEFAULT_MEMORY_TIMEOUT_MS, ManagedHandle } from './managed-handle.js';

/** A scripted environment: `call` answers from `answer`, `crash()` reports a fault. */
function fakeEnv(
  answer: (op: unknown) => Promise<unknown> = async () => 'ok',
  memory: (timeoutMs: number) => Promise<DriverMemory | undefined> = async () => undefined,
) {
  let listener: ((f: ChassisError) => void) | undefined;
  let disposed = false;
  const env: Environment & { crash(f: ChassisError): void; readonly disposed: boolean } = {
    tier: 'worker',
    call: (op, sink) => {
      answer(op).then(
        (v) => sink.resolve(v),
        (e) => sink.reject(e),
      );
    },
    probe: async () => true,
    memory,
    kill: async () => {},
    onFault: (l) => {
      listener = l;
    },
    dispose: async () => {
      disposed = true;
    },
    crash: (f) => listener?.(f),
    get disposed() {
      return disposed;
    },
  };
  return env;
}

const crashed = () =>
  new ChassisError('CHASSIS_E_LOADER_DRIVER_CRASHED', 'gone', { details: { reason: 'exit' } });

async function make(loads: Array<() => Promise<Environment>>, callerStacks = false) {
  let i = 0;
  return ManagedHandle.create({
    id: 'com.example.h',
    version: '1.0.0',
    tier: 'worker',
    restartPolicy: exponentialBackoff(),
    livenessTimeoutMs: 100,
    load: () => loads[Math.min(i++, loads.length - 1)](),
    callerStacks,
  });
}

describe('ManagedHandle', () => {
  it('reports a fault to every listener (even if one throws) and fails later calls with it', async () => {
    const env = fakeEnv();
    const h = await make([async () => env]);
    const seen: string[] = [];
    h.onFault(() => {
      throw new Error('bad listener');
    });
    h.onFault((f) => seen.push(f.code));
    env.crash(crashed());
    expect(seen).toEqual(['CHASSIS_E_LOADER_DRIVER_CRASHED']);
    expect(h.state).toBe('faulted');
    const err = await h
      .invoke('p', 'm', { properties: {}, resource: {} as never }, [])
      .catch((e) => e);
    expect(ChassisError.is(err, 'CHASSIS_E_LOADER_DRIVER_CRASHED')).toBe(true);
  });

  it('restart() disposes the old environment, clears the fault and ignores the old one', async () => {
    const first = fakeEnv();
    const second = fakeEnv(async () => 'second');
    const h = await make([async () => first, async () => second]);
    const faults: string[] = [];
    h.onFault((f) => faults.push(f.code));
    first.crash(crashed());
    await h.restart();
    expect(first.disposed).toBe(true);
    expect(h.state).toBe('ready');
    expect(h.fault).toBeUndefined();
    expect(await h.health()).toBe('second');
    first.crash(crashed());
    expect(faults).toHaveLength(1);
  });

  it('a failed restart leaves the handle faulted with the load error', async () => {
    const h = await make([
      async () => fakeEnv(),
      async () => {
        throw new ChassisError('CHASSIS_E_LOADER_LOAD_FAILED', 'import threw');
      },
    ]);
    await expect(h.restart()).rejects.toMatchObject({ code: 'CHASSIS_E_LOADER_LOAD_FAILED' });
    expect(h.state).toBe('faulted');
    expect(h.fault?.code).toBe('CHASSIS_E_LOADER_LOAD_FAILED');
  });

  it('wraps errors without a registered code; passes registered ones', async () => {
    const h = await make([
      async () =>
        fakeEnv(async (op) => {
          if ((op as { op: string }).op === 'start') throw new TypeError('plain');
          throw new ChassisError('CHASSIS_E_RESOURCE_NOT_FOUND', 'coded');
        }),
    ]);
    const plain = await h.start().catch((e) => e);
    expect(plain.code).toBe('CHASSIS_E_DRIVER_OPERATION_FAILED');
    expect(plain.details.operation).toBe('start');
    const coded = await h.stop().catch((e) => e);
    expect(coded.code).toBe('CHASSIS_E_RESOURCE_NOT_FOUND');
  });

  it('wraps a driver error once: driver, resource, operation, its code; the caller stack', async () => {
    const vendor = Object.assign(new Error('no such volume'), { code: 'SF_NO_VOLUME' });
    const h = await make([async () => fakeEnv(() => Promise.reject(vendor))], true);
    const ctx = { properties: {}, resource: { id: 'pool-1' } as never };
    async function callerOfTheHandle() {
      return h.invoke('storage.primary', 'deleteVolume', ctx, ['v9']);
    }
    const err = (await callerOfTheHandle().catch((e: unknown) => e)) as ChassisError;
    expect(err).toMatchObject({
      code: 'CHASSIS_E_DRIVER_OPERATION_FAILED',
      details: {
        driver: 'com.example.h',
        version: '1.0.0',
        resource: 'pool-1',
        operation: 'storage.primary.deleteVolume',
        errorCode: 'SF_NO_VOLUME',
      },
    });
    expect(err.cause).toMatchObject({ code: 'SF_NO_VOLUME', message: 'no such volume' });
    // The host caller's frame, captured before the call crossed to the guest.
    expect(err.stack).toContain('callerOfTheHandle');
  });

  it('after dispose, calls and restart reject with CHASSIS_E_LOADER_DISPOSED and faults are ignored', async () => {
    const env = fakeEnv();
    const h = await make([async () => env]);
    let heard = false;
    h.onFault(() => {
      heard = true;
    });
    await h.dispose();
    env.crash(crashed());
    expect(heard).toBe(false);
    await expect(h.health()).rejects.toMatchObject({ code: 'CHASSIS_E_LOADER_DISPOSED' });
    await expect(h.restart()).rejects.toMatchObject({ code: 'CHASSIS_E_LOADER_DISPOSED' });
  });

  describe('memory()', () => {
    const reading: DriverMemory = {
      tier: 'worker',
      heapUsedBytes: 10,
      heapTotalBytes: 20,
      externalBytes: 5,
    };

    it('returns the environment’s reading and passes the timeout (default and given)', async () => {
      const timeouts: number[] = [];
      const h = await make([
        async () =>
          fakeEnv(undefined, async (t) => {
            timeouts.push(t);
            return reading;
          }),
      ]);
      expect(await h.memory()).toEqual(reading);
      expect(await h.memory({ timeoutMs: 50 })).toEqual(reading);
      expect(timeouts).toEqual([DEFAULT_MEMORY_TIMEOUT_MS, 50]);
    });

    it.each([
      ['rejects', () => Promise.reject(new Error('gone'))],
      [
        'throws synchronously',
        () => {
          throw new Error('gone');
        },
      ],
    ])('returns undefined when the environment %s', async (_, memory) => {
      const h = await make([async () => fakeEnv(undefined, memory)]);
      expect(await h.memory()).toBeUndefined();
    });

    it('returns undefined without asking a faulted, restarting or disposed environment', async () => {
      let asked = 0;
      const env = fakeEnv(undefined, async () => {
        asked++;
        return reading;
      });
      let release!: (e: Environment) => void;
      const h = await make([
        async () => env,
        () =>
          new Promise<Environment>((r) => {
            release = r;
          }),
      ]);
      env.crash(crashed());
      expect(await h.memory()).toBeUndefined();
      const restarting = h.restart();
      expect(h.state).toBe('restarting');
      expect(await h.memory()).toBeUndefined();
      release(env);
      await restarting;
      expect(await h.memory()).toEqual(reading);
      await h.dispose();
      expect(await h.memory()).toBeUndefined();
      expect(asked).toBe(1);
    });
  });
});
