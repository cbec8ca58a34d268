import { ChassisError, type SerializedError } from '@chassis/kernel';
import type { RolloutPolicy } from '@chassis/runtime';
import { rolloutFailed } from '../rollout/record-updates.js';
import type { ClusterRolloutRecord } from '../rollout/types.js';

/**
 * A whole-driver upgrade or rollback sent to a member that does not lead is written here,
 * `rollout-requests/<id>`, for the leader to run as rollout `rollouts/<id>` (same id).
 */
export const ROLLOUT_REQUESTS_PREFIX = 'rollout-requests/';

/** `rollout-requests/<id>`. */
export function rolloutRequestKey(id: string): string {
  return `${ROLLOUT_REQUESTS_PREFIX}${id}`;
}

/**
 * Where a request is: `pending` (written, no leader took it), `claimed` (a leader is beginning
 * it; a later leader begins it again, the rollout record's create-if-absent decides),
 * `begun` (`rollouts/<id>` exists: the coordinator owns it from there), `refused` (the leader
 * could not begin it: `error`), `cancelled` (its sender stopped waiting before any leader took it).
 */
export type RolloutRequestStatus = 'pending' | 'claimed' | 'begun' | 'refused' | 'cancelled';

/** The durable request of a cluster upgrade or rollback sent to a non-leader. */
export interface RolloutRequestRecord {
  readonly id: string;
  readonly action: 'upgrade' | 'rollback';
  readonly driverId: string;
  readonly to: string;
  readonly policy?: RolloutPolicy;
  /** The principal id the rollout is recorded under. */
  readonly principal: string;
  /** The member it was sent to (which waits for the result). */
  readonly requestedBy: string;
  readonly requestedAt: string;
  /** After this, a request still `pending` is not begun (its sender has stopped waiting). */
  readonly expiresAt: string;
  readonly status: RolloutRequestStatus;
  /** The leader that claimed it last. */
  readonly leader?: string;
  readonly error?: SerializedError;
}

/** What the leader does with a request it finds (see {@link deskAction}). */
export type DeskAction = 'begin' | 'mark-begun' | 'expire' | 'none';

/**
 * The leader's rule for one request: a request whose rollout record exists was begun (a former
 * leader stopped before marking it); a `pending` one past its expiry is dropped; a `pending` or
 * `claimed` one without a record is begun (again: the record's id makes that idempotent).
 */
export function deskAction(
  request: RolloutRequestRecord,
  rolloutExists: boolean,
  now: Date,
): DeskAction {
  if (request.status !== 'pending' && request.status !== 'claimed') return 'none';
  if (rolloutExists) return 'mark-begun';
  if (request.status === 'pending' && now.toISOString() > request.expiresAt) return 'expire';
  return 'begin';
}

/** What the sender of a request sees (see {@link requestOutcome}). */
export type RequestOutcome =
  | { readonly kind: 'wait' }
  | { readonly kind: 'succeeded'; readonly record: ClusterRolloutRecord }
  | {
      readonly kind: 'failed';
      readonly error: SerializedError;
      readonly record?: ClusterRolloutRecord;
    };

/**
 * The sender's rule: the rollout record, once closed, is the answer (as the leader's own
 * `coordinator.rollout` would give it); a refused or cancelled request fails with its error;
 * anything else is still under way.
 */
export function requestOutcome(
  request: RolloutRequestRecord | undefined,
  rollout: ClusterRolloutRecord | undefined,
): RequestOutcome {
  if (rollout && rollout.state !== 'running') {
    return rollout.state === 'succeeded'
      ? { kind: 'succeeded', record: rollout }
      : {
          kind: 'failed',
          error: rollout.error ?? rolloutFailed(rollout, `it ended ${rollout.state}`),
          record: rollout,
        };
  }
  if (request?.status === 'refused' || request?.status === 'cancelled')
    return {
      kind: 'failed',
      error:
        request.error ??
        new ChassisError(
          'CHASSIS_E_CLUSTER_MEMBER_TIMEOUT',
          `The ${request.action} of ${request.driverId} to ${request.to} (request ${request.id}) was ${request.status} before any leader began it; nothing moved, send it again`,
          { details: { request: request.id, driver: request.driverId, retryable: true } },
        ).toJSON(),
    };
  return { kind: 'wait' };
}
