import { describe, expect, it } from 'vitest';
import { plannedRollout, withStatuses } from '../rollout/testing.js';
import type { ClusterRolloutRecord } from '../rollout/types.js';
import type { RolloutRequestRecord } from './rollout-requests.js';
import { rolloutStatus } from './rollout-status.js';
import { rolloutRequest } from './testing.js';

const request = (status: RolloutRequestRecord['status'], extra = {}) =>
  rolloutRequest(status, { action: 'rollback', to: '1.0.0', ...extra });

/** A rollback from 1.1.0 to 1.0.0 over x (moved, on a) and y (moving, on b). */
const rollout = (state: ClusterRolloutRecord['state']): ClusterRolloutRecord => ({
  ...withStatuses(
    plannedRollout({
      id: 'r1',
      from: '1.1.0',
      to: '1.0.0',
      resources: [
        { id: 'x', owner: 'a' },
        { id: 'y', owner: 'b' },
      ],
    }),
    { x: 'moved', y: 'moving' },
  ),
  state,
  steps: ['running'],
  startedAt: '2026-01-01T00:00:01.000Z',
  updatedAt: '2026-01-01T00:00:02.000Z',
  ...(state === 'running' ? {} : { finishedAt: '2026-01-01T00:00:03.000Z' }),
});

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
