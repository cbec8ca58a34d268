import { describe, expect, it } from 'vitest';
import { limitsLine, recordLine, restartLines } from './drivers-render.js';

/** A serialized error as the admin API sends it. */
const crashed = {
  name: 'ChassisError',
  code: 'CHASSIS_E_LOADER_DRIVER_CRASHED',
  message: 'exited 3',
  details: {},
};

const version = { version: '1.0.0', state: 'Failed', active: true, resources: [], installedAt: '' };

describe('drivers show: restarts and recovery', () => {
  it.each([
    {
      name: 'given up: attempts, the hint and the last error',
      v: {
        ...version,
        failure: crashed,
        restarts: {
          attempts: 5,
          maxAttempts: 5,
          gaveUp: true,
          lastError: crashed,
        },
      },
      lines: [
        '1.0.0 failed: CHASSIS_E_LOADER_DRIVER_CRASHED exited 3',
        '1.0.0 restarts: 5/5, gave up (restart it by hand once the cause is fixed); last error CHASSIS_E_LOADER_DRIVER_CRASHED exited 3',
      ],
    },
    {
      name: 'retry scheduled',
      v: {
        ...version,
        restarts: {
          attempts: 1,
          maxAttempts: 5,
          gaveUp: false,
          nextRetryAt: '2026-01-01T00:00:01Z',
        },
      },
      lines: ['1.0.0 restarts: 1/5, next retry at 2026-01-01T00:00:01Z'],
    },
    { name: 'never faulted: nothing', v: { ...version, state: 'Running' }, lines: [] },
  ])('$name', ({ v, lines }) => {
    expect(restartLines([v])).toEqual(lines);
  });

  it('an interrupted record says how it was recovered', () => {
    expect(
      recordLine({
        id: 'u-1',
        principal: 'alice',
        startedAt: '2026-01-01T00:00:00.000Z',
        action: 'upgrade',
        driverId: 'd',
        from: '1.0.0',
        to: '2.0.0',
        result: 'interrupted',
        resources: [],
        recovery: {
          outcome: 'rolled-back',
          resources: [{ id: 'pool-a', version: '1.0.0' }],
          at: '2026-01-01T00:01:00.000Z',
        },
      }),
    ).toBe(
      'upgrade d 1.0.0 → 2.0.0: interrupted (recovered at start: rolled-back, rebound pool-a→1.0.0)',
    );
  });
});

describe('limitsLine (drivers show)', () => {
  it.each([
    {
      why: 'defaults',
      limits: {
        heapMb: 256,
        maxMessageBytes: 16 * 1024 * 1024,
        env: [],
        permissions: { childProcess: false, worker: false, addons: false, read: [] },
      },
      want: 'limits heap 256 MiB · messages 16 MiB · env - · grants -',
    },
    {
      why: 'an allow-list and grants',
      limits: {
        heapMb: 128,
        maxMessageBytes: 1536 * 1024,
        env: ['TZ', 'HTTPS_PROXY'],
        permissions: { childProcess: true, worker: false, addons: true, read: ['/etc/ssl'] },
      },
      want: 'limits heap 128 MiB · messages 1.5 MiB · env TZ, HTTPS_PROXY · grants childProcess, addons, read:/etc/ssl',
    },
  ])('$why', ({ limits, want }) => {
    expect(limitsLine(limits)).toBe(want);
  });
});
