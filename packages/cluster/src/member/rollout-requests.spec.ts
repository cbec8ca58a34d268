import { ChassisError } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { plannedRollout } from '../rollout/testing.js';
import type { ClusterRolloutRecord } from '../rollout/types.js';
import { deskAction, type RolloutRequestStatus, requestOutcome } from './rollout-requests.js';
import { rolloutRequest } from './testing.js';

const NOW = new Date('2026-01-01T00:10:00.000Z');
const request = (status: RolloutRequestStatus, expiresAt?: string) =>
  rolloutRequest(status, expiresAt ? { expiresAt } : {});
const rollout = (
  state: ClusterRolloutRecord['state'],
  withError = false,
): ClusterRolloutRecord => ({
  ...plannedRollout({ id: 'r1' }),
  state,
  ...(withError
    ? { error: new ChassisError('CHASSIS_E_CLUSTER_ROLLOUT_FAILED', 'canary failed').toJSON() }
    : {}),
});
const PAST = '2026-01-01T00:05:00.000Z';

describe('deskAction (what the leader does with a request)', () => {
  it.each([
    ['pending, no record', request('pending'), false, 'begin'],
    [
      'pending, its record exists (a former leader began it)',
      request('pending'),
      true,
      'mark-begun',
    ],
    [
      'pending past its expiry (the sender stopped waiting)',
      request('pending', PAST),
      false,
      'expire',
    ],
    ['claimed by a former leader, no record', request('claimed'), false, 'begin'],
    [
      'claimed past expiry: a leader took it, so it is begun',
      request('claimed', PAST),
      false,
      'begin',
    ],
    ['claimed, record exists', request('claimed'), true, 'mark-begun'],
    ['begun', request('begun'), true, 'none'],
    ['refused', request('refused'), false, 'none'],
    ['cancelled', request('cancelled'), false, 'none'],
  ] as const)('%s → %s', (_, req, exists, want) => {
    expect(deskAction(req, exists, NOW)).toBe(want);
  });
});

describe('requestOutcome (what the sender sees)', () => {
  it.each([
    ['pending, no record', request('pending'), undefined, 'wait', undefined],
    ['begun, rollout running', request('begun'), rollout('running'), 'wait', undefined],
    ['begun, succeeded', request('begun'), rollout('succeeded'), 'succeeded', undefined],
    [
      'rolled back with the leader error',
      request('begun'),
      rollout('rolled-back', true),
      'failed',
      'CHASSIS_E_CLUSTER_ROLLOUT_FAILED',
    ],
    [
      'failed with no error recorded',
      request('begun'),
      rollout('failed'),
      'failed',
      'CHASSIS_E_CLUSTER_ROLLOUT_FAILED',
    ],
    [
      'cancelled before any leader took it',
      request('cancelled'),
      undefined,
      'failed',
      'CHASSIS_E_CLUSTER_MEMBER_TIMEOUT',
    ],
    [
      'refused with the leader error',
      {
        ...request('refused'),
        error: new ChassisError('CHASSIS_E_UPGRADE_IN_PROGRESS', 'busy').toJSON(),
      },
      undefined,
      'failed',
      'CHASSIS_E_UPGRADE_IN_PROGRESS',
    ],
    ['no request yet', undefined, undefined, 'wait', undefined],
  ] as const)('%s → %s', (_, req, rec, kind, code) => {
    const out = requestOutcome(req, rec);
    expect(out.kind).toBe(kind);
    if (out.kind === 'failed') expect(out.error.code).toBe(code);
    if (out.kind !== 'wait' && rec) expect(out.record).toBe(rec);
  });
});
