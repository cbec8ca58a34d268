import { ChassisError, silentLogger } from '@chassis/kernel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decideRestart, type RestartRecord, RestartSupervisor } from './restart-supervisor.js';

const limits = { maxAttempts: 3, healthyAfterMs: 1000 };
const doubling = { nextDelay: (n: number) => 100 * 2 ** (n - 1) };
const crash = new ChassisError('CHASSIS_E_LOADER_DRIVER_CRASHED', 'boom');
const error = crash.toJSON();

const rec = (r: Partial<RestartRecord>): RestartRecord => ({ attempts: 0, gaveUp: false, ...r });

describe('decideRestart (pure policy)', () => {
  it.each([
    {
      name: 'first fault: first attempt after the first delay',
      previous: undefined,
      at: 5000,
      expected: { kind: 'retry', delayMs: 100, attempts: 1 },
    },
    {
      name: 'fault soon after a restart: the count goes on, the delay grows',
      previous: rec({ attempts: 2, upSince: 4900 }),
      at: 5000,
      expected: { kind: 'retry', delayMs: 400, attempts: 3 },
    },
    {
      name: 'fault after a healthy period: the count starts over',
      previous: rec({ attempts: 3, upSince: 3000 }),
      at: 5000,
      expected: { kind: 'retry', delayMs: 100, attempts: 1 },
    },
    {
      name: 'exactly healthyAfterMs up counts as healthy',
      previous: rec({ attempts: 3, upSince: 4000 }),
      at: 5000,
      expected: { kind: 'retry', delayMs: 100, attempts: 1 },
    },
    {
      name: 'past maxAttempts: give up, attempts = restarts tried',
      previous: rec({ attempts: 3, upSince: 4999 }),
      at: 5000,
      expected: { kind: 'give-up', attempts: 3 },
    },
    {
      name: 'a failed restart (never up) counts too',
      previous: rec({ attempts: 3 }),
      at: 5000,
      expected: { kind: 'give-up', attempts: 3 },
    },
  ])('$name', ({ previous, at, expected }) => {
    const d = decideRestart(previous, { at, error }, limits, doubling);
    expect(d.kind).toBe(expected.kind);
    expect(d.record.attempts).toBe(expected.attempts);
    expect(d.record.lastError).toBe(error);
    expect(d.record.gaveUp).toBe(expected.kind === 'give-up');
    if (d.kind === 'retry') {
      expect(d.delayMs).toBe(expected.delayMs);
      expect(d.record.nextRetryAt).toBe(at + (expected.delayMs ?? 0));
    } else expect(d.record.nextRetryAt).toBeUndefined();
  });

  it('gives up when the backoff says stop, even below maxAttempts', () => {
    const d = decideRestart(rec({ attempts: 1 }), { at: 0, error }, limits, {
      nextDelay: (n) => (n < 2 ? 10 : null),
    });
    expect(d).toMatchObject({ kind: 'give-up', record: { attempts: 1, gaveUp: true } });
  });

  it('maxAttempts 0 never restarts', () => {
    const d = decideRestart(undefined, { at: 0, error }, { ...limits, maxAttempts: 0 }, doubling);
    expect(d).toMatchObject({ kind: 'give-up', record: { attempts: 0 } });
  });
});

describe('RestartSupervisor', () => {
  afterEach(() => vi.useRealTimers());

  it('a crash-looping version is restarted maxAttempts times, then given up (no retry scheduled)', async () => {
    vi.useFakeTimers();
    let now = 0;
    const restarts: string[] = [];
    const sup: RestartSupervisor = new RestartSupervisor({
      limits,
      logger: silentLogger,
      now: () => now,
      // Each restart "succeeds" and the driver crashes again right away.
      restart: async (id, version) => {
        restarts.push(`${id}@${version}`);
        sup.up(id, version);
        sup.fault(id, version, crash, doubling);
      },
    });
    sup.fault('d', '1.0.0', crash, doubling);
    for (let i = 0; i < 10; i++) {
      now += 1000 * 2 ** i;
      await vi.advanceTimersByTimeAsync(100 * 2 ** i);
    }
    expect(restarts).toHaveLength(3);
    expect(sup.status('d', '1.0.0')).toEqual({
      attempts: 3,
      maxAttempts: 3,
      gaveUp: true,
      lastError: expect.objectContaining({ code: 'CHASSIS_E_LOADER_DRIVER_CRASHED' }),
      lastFaultAt: expect.any(String),
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a version that restarts and stays healthy has its count reset', async () => {
    vi.useFakeTimers();
    let now = 0;
    const sup: RestartSupervisor = new RestartSupervisor({
      limits,
      logger: silentLogger,
      now: () => now,
      restart: async (id, version) => {
        sup.up(id, version);
      },
    });
    sup.fault('d', '1.0.0', crash, doubling);
    sup.fault('d', '1.0.0', crash, doubling);
    expect(sup.status('d', '1.0.0')).toMatchObject({
      attempts: 2,
      nextRetryAt: expect.any(String),
    });
    await vi.advanceTimersByTimeAsync(200);
    expect(sup.status('d', '1.0.0')).toMatchObject({ attempts: 2, gaveUp: false });
    expect(sup.status('d', '1.0.0')?.nextRetryAt).toBeUndefined();
    now += limits.healthyAfterMs;
    expect(sup.status('d', '1.0.0')).toMatchObject({ attempts: 0, gaveUp: false });
    // The next fault is a first attempt again, with the first delay.
    expect(sup.fault('d', '1.0.0', crash, doubling)).toMatchObject({
      kind: 'retry',
      delayMs: 100,
      record: { attempts: 1 },
    });
    sup.stop();
  });

  it('a failed restart counts as another fault', async () => {
    vi.useFakeTimers();
    const failure = new ChassisError('CHASSIS_E_UPGRADE_START_FAILED', 'start refused');
    const sup = new RestartSupervisor({
      limits: { maxAttempts: 2, healthyAfterMs: 1000 },
      logger: silentLogger,
      restart: async () => {
        throw failure;
      },
    });
    sup.fault('d', '1.0.0', crash, doubling);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sup.status('d', '1.0.0')).toMatchObject({
      attempts: 2,
      gaveUp: true,
      lastError: { code: 'CHASSIS_E_UPGRADE_START_FAILED' },
    });
  });

  it('a restart refused because another action holds the driver is retried, not counted', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const sup: RestartSupervisor = new RestartSupervisor({
      limits: { maxAttempts: 1, healthyAfterMs: 1000 },
      logger: silentLogger,
      restart: async (id, version) => {
        if (++calls < 3) throw new ChassisError('CHASSIS_E_UPGRADE_IN_PROGRESS', 'busy');
        sup.up(id, version);
      },
    });
    sup.fault('d', '1.0.0', crash, doubling);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(3);
    expect(sup.status('d', '1.0.0')).toMatchObject({ attempts: 1, gaveUp: false });
  });

  it('an operator restart after a give-up starts a new count', () => {
    const sup = new RestartSupervisor({
      limits: { maxAttempts: 0, healthyAfterMs: 1000 },
      logger: silentLogger,
      restart: async () => {},
    });
    sup.fault('d', '1.0.0', crash, doubling);
    expect(sup.status('d', '1.0.0')?.gaveUp).toBe(true);
    sup.up('d', '1.0.0');
    expect(sup.status('d', '1.0.0')).toMatchObject({ attempts: 0, gaveUp: false });
  });
});
