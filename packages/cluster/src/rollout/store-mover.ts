import { ChassisError, type StateStore, serializeError } from '@chassis/kernel';
import { type ChangeHub, waitFor } from './change-hub.js';
import { requestKey, type StoredRequest } from './keys.js';
import type { MemberMover, MoveRequest, MoveResult } from './types.js';

/** Options of {@link StoreMemberMover}. */
export interface StoreMoverOptions {
  readonly store: StateStore;
  /** Wakes the wait when the member writes its answer; without it, polling alone. */
  readonly hub?: ChangeHub;
  /** How long a member may take to answer one request (default 60 s). */
  readonly timeoutMs?: number;
  /** Re-read the request at least this often (default 500 ms). */
  readonly pollMs?: number;
  readonly now?: () => Date;
}

/**
 * {@link MemberMover} over the shared store: writes the request record
 * (`rollouts/<id>/steps/<n>/<member>` …) unless it exists (a new leader re-sends what the old one
 * wrote: same key, same content) and waits, bounded, for the member's {@link RolloutWorker} to
 * write its answer into it. No answer in time is `CHASSIS_E_CLUSTER_MEMBER_TIMEOUT`.
 */
export class StoreMemberMover implements MemberMover {
  readonly #o: StoreMoverOptions;

  constructor(options: StoreMoverOptions) {
    this.#o = options;
  }

  async move(request: MoveRequest, signal: AbortSignal): Promise<MoveResult> {
    const { store } = this.#o;
    const key = requestKey(request);
    const existing = await store.get<StoredRequest>(key);
    if (existing?.value.status === 'done' && existing.value.result) return existing.value.result;
    // Given up by a leader when its member left (its worker never runs it): whether its
    // resources moved is for their owners now to tell (the leader re-plans them).
    if (existing?.value.status === 'superseded')
      return { ok: true, moved: [], notServed: [...request.resources] };
    if (!existing) {
      const value: StoredRequest = {
        ...request,
        status: 'pending',
        issuedAt: (this.#o.now?.() ?? new Date()).toISOString(),
      };
      await store.put(key, value, 0).catch((err: unknown) => {
        // Written meanwhile (a leader that just lost the lock): same key, same content.
        if (!ChassisError.is(err, 'CHASSIS_E_STATE_CONFLICT')) throw err;
      });
    }
    const timeoutMs = this.#o.timeoutMs ?? 60_000;
    const answer = await waitFor(
      async () => {
        const r = await store.get<StoredRequest>(key);
        return r?.value.status === 'done' ? r.value.result : undefined;
      },
      {
        ...(this.#o.hub ? { hub: this.#o.hub } : {}),
        key,
        pollMs: this.#o.pollMs ?? 500,
        timeoutMs,
        signal,
      },
    );
    if (answer) return answer;
    const error = signal.aborted
      ? toAbortError(signal, request)
      : new ChassisError(
          'CHASSIS_E_CLUSTER_MEMBER_TIMEOUT',
          `Member ${request.member} did not answer the ${request.kind} of ${request.driverId} to ${request.to} (resources ${request.resources.join(', ') || 'none'}) within ${timeoutMs} ms; check that it is running and connected to the database`,
          {
            details: {
              member: request.member,
              rollout: request.rolloutId,
              kind: request.kind,
              timeoutMs,
              retryable: true,
            },
          },
        );
    return { ok: false, moved: [], error: serializeError(error) };
  }
}

function toAbortError(signal: AbortSignal, request: MoveRequest): ChassisError {
  return ChassisError.is(signal.reason)
    ? signal.reason
    : new ChassisError(
        'CHASSIS_E_CLUSTER_NOT_LEADER',
        `Stopped waiting for member ${request.member}: this member stopped coordinating rollout ${request.rolloutId}`,
        { details: { member: request.member, rollout: request.rolloutId } },
      );
}
