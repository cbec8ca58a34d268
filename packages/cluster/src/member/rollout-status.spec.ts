import { describe, expect, it } from 'vitest';
import type { ClusterRolloutRecord } from '../rollout/types.js';
import type { RolloutRequestRecord } from './rollout-requests.js';
import { rolloutStatus } from './rollout-status.js';

const request = (status: RolloutRequestRecord['status'], extra = {}): RolloutRequestRecord => ({
  id: 'r1',
  action: 'rollback',
  driverId: 'd',
  to: '1.0.0',
  principal: 'alice',
  requestedBy: 'b',
  requestedAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-01T00:30:00.000Z',
  status,
  ...extra,
});

const rollout = (state: ClusterRolloutRecord['state']): ClusterRolloutRecord =>
  ({
    id: 'r1',
    driverId: 'd',
    from: '1.1.0',
    to: '1.0.0',
    principal: 'alice',
    plan: { policy: { kind: 'all-at-once' } },
    leader: 'a',
    epoch: 1,
    state,
    phase: 'moving',
    steps: ['running'],
    resources: {
      x: { member: 'a', status: 'moved', version: '1.0.0' },
      y: { member: 'b', status: 'moving', version: '1.1.0' },
    },
    committed: [],
    startedAt: '2026-01-01T00:00:01.000Z',
    updatedAt: '2026-01-01T00:00:02.000Z',
    ...(state === 'running' ? {} : { finishedAt: '2026-01-01T00:00:03.000Z' }),
  }) as unknown as ClusterRolloutRecord;

describe('rolloutStatus', () => {
  it.each([
    ['nothing stored', undefined, undefined, undefined],
    ['an open request', request('pending'), undefined, { state: 'accepted', action: 'rollback' }],
    [
      'a claimed request names its leader',
      request('claimed', { leader: 'a' }),
      undefined,
      { state: 'accepted', leader: 'a' },
    ],
    [
      'a cancelled request failed, nothing moved',
      request('cancelled'),
      undefined,
      { state: 'failed', error: { code: 'CHASSIS_E_CLUSTER_MEMBER_TIMEOUT' } },
    ],
    ['a begun request whose record is pruned', request('begun'), undefined, undefined],
    [
      'a running rollout: phase and resources moved',
      request('begun'),
      rollout('running'),
      {
        state: 'running',
        phase: 'moving',
        progress: { moved: 1, total: 2 },
        acceptedAt: '2026-01-01T00:00:00.000Z',
        leader: 'a',
        action: 'rollback',
      },
    ],
    [
      'a finished rollout, begun on the leader (no request)',
      undefined,
      rollout('succeeded'),
      {
        state: 'succeeded',
        action: 'upgrade',
        finishedAt: '2026-01-01T00:00:03.000Z',
        acceptedAt: '2026-01-01T00:00:01.000Z',
        record: { result: 'succeeded' },
      },
    ],
  ] as const)('%s', (_name, req, record, expected) => {
    const s = rolloutStatus(req, record);
    if (expected === undefined) expect(s).toBeUndefined();
    else expect(s).toMatchObject(expected);
    if (s?.state !== 'running') expect(s?.phase).toBeUndefined();
  });
});
