import { rollbackBatches } from './cluster-recovery.js';
import type { ClusterRolloutRecord, MemberBatch, MoveRequest } from './types.js';

const request = (
  rec: ClusterRolloutRecord,
  r: Omit<MoveRequest, 'rolloutId' | 'driverId' | 'epoch'>,
): MoveRequest => ({ rolloutId: rec.id, driverId: rec.driverId, epoch: rec.epoch, ...r });

/** The request of one batch of step `i` (its round in the key), moving it to `to`. Pure. */
export function stepRequest(rec: ClusterRolloutRecord, i: number, b: MemberBatch): MoveRequest {
  return request(rec, {
    kind: 'move',
    n: i,
    member: b.member,
    to: rec.to,
    resources: b.resources,
    ...(b.round ? { round: b.round } : {}),
  });
}

/** The requests of step `i`: one per member batch, moving it to `to`. Pure. */
export function stepRequests(rec: ClusterRolloutRecord, i: number): MoveRequest[] {
  return (rec.plan.steps[i]?.batches ?? []).map((b) => stepRequest(rec, i, b));
}

/**
 * The rollback: every resource that may have moved and is not back yet, per member, back to
 * `from` (one set per epoch; `round` > 0 for the requests after its members changed). Pure.
 */
export function rollbackRequests(
  rec: ClusterRolloutRecord,
  round = 0,
): {
  batches: MemberBatch[];
  requests: MoveRequest[];
} {
  const batches = rollbackBatches(rec);
  const requests = batches.map((b) =>
    request(rec, {
      kind: 'rollback',
      n: rec.epoch,
      member: b.member,
      to: rec.from,
      resources: b.resources,
      ...(round > 0 ? { round } : {}),
    }),
  );
  return { batches, requests };
}

/** The commit: every member that has not made `to` active yet (and did not leave). Pure. */
export function commitRequests(rec: ClusterRolloutRecord): {
  members: string[];
  requests: MoveRequest[];
} {
  const members = rec.plan.members.filter(
    (m) => !rec.committed.includes(m) && !rec.departed?.includes(m),
  );
  const requests = members.map((member) =>
    request(rec, { kind: 'commit', n: 0, member, to: rec.to, resources: [] }),
  );
  return { members, requests };
}
