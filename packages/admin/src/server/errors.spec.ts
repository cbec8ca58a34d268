import { ChassisError } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { toErrorResponse } from './errors.js';

const health = new ChassisError('CHASSIS_E_UPGRADE_HEALTH_FAILED', 'd@2 reported unhealthy', {
  details: { driver: 'd', member: 'b', resources: ['r1'] },
  cause: new Error('socket hang up at 10.1.2.3'),
});
const failed = (cause?: unknown) =>
  new ChassisError('CHASSIS_E_CLUSTER_ROLLOUT_FAILED', 'step 1 failed on member b', {
    details: { rollout: 'x' },
    ...(cause === undefined ? {} : { cause }),
  });

describe('toErrorResponse: the cause chain of a typed error', () => {
  it.each([
    { name: 'no cause, no field', err: failed(), cause: undefined },
    {
      name: 'typed causes go out without stacks, cut at the first untyped one',
      err: failed(health),
      cause: {
        name: 'ChassisError',
        code: 'CHASSIS_E_UPGRADE_HEALTH_FAILED',
        message: 'd@2 reported unhealthy',
        details: { driver: 'd', member: 'b', resources: ['r1'] },
      },
    },
    {
      name: 'an untyped first cause is not sent',
      err: failed(new Error('ECONNRESET at /var/lib/x')),
      cause: undefined,
    },
  ])('$name', ({ err, cause }) => {
    const { status, body } = toErrorResponse(err);
    expect(status).toBe(409);
    expect(body.code).toBe('CHASSIS_E_CLUSTER_ROLLOUT_FAILED');
    expect(body.cause).toEqual(cause);
    expect(JSON.stringify(body)).not.toContain('stack');
  });
});
