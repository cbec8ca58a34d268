import { createHash } from 'node:crypto';
import type { StateRecord, StateStore } from '@chassis/kernel';
import type { ClusterRolloutRecord, MoveRequest, MoveResult } from './types.js';

/** Every rollout record and step request lives under this prefix of the shared store. */
export const ROLLOUTS_PREFIX = 'rollouts/';

const SEGMENT = /^[a-z0-9][a-z0-9._@-]*$/i;

/**
 * A member id as one state-key segment: as it is when it is a valid segment, else a stable
 * digest (`m-<hex>`; ids such as `host:7401` hold characters keys do not allow). The request
 * value carries the real id.
 */
export function memberSegment(memberId: string): string {
  return SEGMENT.test(memberId) && memberId.length <= 100
    ? memberId
    : `m-${createHash('sha256').update(memberId).digest('hex').slice(0, 24)}`;
}

/** `rollouts/<id>`. */
export function rolloutKey(id: string): string {
  return `${ROLLOUTS_PREFIX}${id}`;
}

/**
 * Where one request to one member is stored: `rollouts/<id>/steps/<n>/<member>` for a step
 * (`steps/<n>.<round>/<member>` for a batch a re-plan added),
 * `rollouts/<id>/rollback/<epoch>/<member>` (one rollback per leader epoch) and
 * `rollouts/<id>/commit/0/<member>`.
 */
export function requestKey(
  r: Pick<MoveRequest, 'rolloutId' | 'kind' | 'n' | 'member' | 'round'>,
): string {
  const kind = r.kind === 'move' ? 'steps' : r.kind;
  const n = r.round ? `${r.n}.${r.round}` : `${r.n}`;
  return `${rolloutKey(r.rolloutId)}/${kind}/${n}/${memberSegment(r.member)}`;
}

/**
 * A request as stored: the request, then the member's answer. `superseded`: its member left
 * before answering and the leader gave its resources to their new owners; a worker never runs
 * it, and an answer written late is dropped.
 */
export interface StoredRequest extends MoveRequest {
  readonly status: 'pending' | 'done' | 'superseded';
  readonly issuedAt: string;
  readonly result?: MoveResult;
  readonly answeredAt?: string;
}

/** True for a `rollouts/<id>` key (not one of its requests). */
export function isRolloutKey(key: string): boolean {
  return key.startsWith(ROLLOUTS_PREFIX) && !key.slice(ROLLOUTS_PREFIX.length).includes('/');
}

/** True for a request key addressed to `memberId`. */
export function isRequestKeyFor(key: string, memberId: string): boolean {
  const parts = key.split('/');
  return parts.length === 5 && parts[0] === 'rollouts' && parts[4] === memberSegment(memberId);
}

/** Every rollout record (requests left out), oldest id first. */
export async function listRollouts(
  store: StateStore,
): Promise<StateRecord<ClusterRolloutRecord>[]> {
  const all = await store.list<ClusterRolloutRecord>(ROLLOUTS_PREFIX);
  return all.filter((r) => isRolloutKey(r.key));
}
