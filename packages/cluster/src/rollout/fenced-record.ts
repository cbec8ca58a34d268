import { setTimeout as sleep } from 'node:timers/promises';
import { ChassisError, type StateRecord, type StateStore } from '@chassis/kernel';
import { rolloutKey } from './keys.js';
import type { ClusterRolloutRecord } from './types.js';

/** The error a coordinator stops with when it is not (or no longer) the leader. */
export function notLeader(memberId: string, rolloutId?: string): ChassisError {
  return new ChassisError(
    'CHASSIS_E_CLUSTER_NOT_LEADER',
    rolloutId
      ? `Member ${memberId} is no longer the cluster leader: it stops coordinating rollout ${rolloutId}, which the new leader resumes`
      : `Member ${memberId} is not the cluster leader: send the rollout to the leader`,
    { details: { member: memberId, ...(rolloutId ? { rollout: rolloutId } : {}) } },
  );
}

/** Nobody else writes at this leader's epoch: the next version at our epoch is our write. */
const ours = (
  now: StateRecord<ClusterRolloutRecord>,
  current: StateRecord<ClusterRolloutRecord>,
  next: ClusterRolloutRecord,
) =>
  now.version === current.version + 1 &&
  now.value.epoch === next.epoch &&
  now.value.leader === next.leader;

/**
 * One compare-and-set update of a rollout record by the leader. Only the leader writes rollout
 * records, so a conflict means another leader adopted it (bumped the epoch): this one is fenced
 * (`CHASSIS_E_CLUSTER_FENCED`) and must stop. A write the database may or may not have
 * committed (connection lost) is settled by reading the record again, a bounded number of times.
 */
export async function writeRecord(
  store: StateStore,
  current: StateRecord<ClusterRolloutRecord>,
  next: ClusterRolloutRecord,
  o: { readonly memberId: string; readonly isLeader: () => boolean; readonly attempts?: number },
): Promise<StateRecord<ClusterRolloutRecord>> {
  const key = rolloutKey(next.id);
  const attempts = o.attempts ?? 10;
  for (let attempt = 0; ; attempt++) {
    if (!o.isLeader()) throw notLeader(o.memberId, next.id);
    try {
      return await store.put(key, next, current.version);
    } catch (err) {
      if (ChassisError.is(err, 'CHASSIS_E_STATE_CONFLICT')) {
        const now = await store.get<ClusterRolloutRecord>(key);
        // Our own write that landed although its answer was lost.
        if (now && ours(now, current, next)) return now;
        throw new ChassisError(
          'CHASSIS_E_CLUSTER_FENCED',
          `Rollout ${next.id} was taken over by member ${now?.value.leader ?? '?'} (epoch ${now?.value.epoch ?? '?'}); member ${o.memberId} (epoch ${next.epoch}) stops coordinating it`,
          {
            details: {
              rollout: next.id,
              member: o.memberId,
              epoch: next.epoch,
              leader: now?.value.leader,
              leaderEpoch: now?.value.epoch,
            },
          },
        );
      }
      const transient =
        ChassisError.is(err, 'CHASSIS_E_STATE_UNAVAILABLE') ||
        ChassisError.is(err, 'CHASSIS_E_STATE_IO');
      if (!transient || attempt >= attempts) throw err;
      await sleep(Math.min(100 * 2 ** attempt, 1000));
      const now = await store.get<ClusterRolloutRecord>(key).catch(() => undefined);
      if (now && ours(now, current, next)) return now;
    }
  }
}
