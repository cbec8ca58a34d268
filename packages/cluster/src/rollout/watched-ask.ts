import { setTimeout as sleep } from 'node:timers/promises';
import { type StateStore, updateState } from '@chassis/kernel';
import { requestKey, type StoredRequest } from './keys.js';
import type { MemberMover, MoveRequest, MoveResult } from './types.js';

/** How the coordinator watches the members while it waits for their answers. */
export interface AskWatch {
  /** Look at the members this often (default 500 ms). */
  readonly everyMs: number;
  /** The members alive now (from the shared database); a rejection is skipped (database away). */
  readonly alive: () => Promise<ReadonlySet<string>>;
}

/**
 * Sends every request at once and waits for the answers. With a `watch`, it stops waiting
 * early (and aborts the other waits, which a later ask takes up again on the same keys) as
 * soon as a request's member is no longer alive, or an answer names resources its member does
 * not serve: both call for a re-plan. An answer not received is `undefined`. Throws the
 * coordinator's own abort reason (leadership lost).
 */
export async function askWatched(
  mover: MemberMover,
  requests: readonly MoveRequest[],
  signal: AbortSignal,
  watch?: AskWatch,
): Promise<(MoveResult | undefined)[]> {
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  const answers: (MoveResult | undefined)[] = requests.map(() => undefined);
  const waits = Promise.all(
    requests.map(async (r, k) => {
      const a = await mover.move(r, both);
      // Given up: this result is the abort's, not the member's.
      if (stop.signal.aborted) return;
      answers[k] = a;
      if (watch && a.notServed && a.notServed.length > 0) stop.abort();
    }),
  );
  if (watch) {
    let settled = false;
    void waits.then(() => {
      settled = true;
    });
    while (!settled && !both.aborted) {
      const tick = await Promise.race([
        waits.then(() => 'done' as const),
        sleep(watch.everyMs, 'tick' as const, { signal: both }).catch(() => 'aborted' as const),
      ]);
      if (tick !== 'tick') break;
      const alive = await watch.alive().catch(() => undefined);
      if (alive && requests.some((r, k) => !answers[k] && !alive.has(r.member))) stop.abort();
    }
  }
  // Every wait ends at once when aborted (the movers honour the signal).
  await waits;
  // Cancels the last tick's timer; every answer is in by now.
  stop.abort();
  if (signal.aborted) throw signal.reason;
  return answers;
}

/**
 * The request's member left before answering: marks the stored request `superseded`, so that
 * a worker never runs it and an answer written late is dropped. Returns the answer when the
 * member did answer first (then that answer counts: it is what the member did).
 */
export async function supersede(
  store: StateStore,
  request: Pick<MoveRequest, 'rolloutId' | 'kind' | 'n' | 'member' | 'round'>,
  at: string,
): Promise<MoveResult | undefined> {
  let answer: MoveResult | undefined;
  await updateState<StoredRequest>(store, requestKey(request), (cur) => {
    answer = cur?.status === 'done' ? cur.result : undefined;
    return cur?.status === 'pending' ? { ...cur, status: 'superseded', answeredAt: at } : undefined;
  });
  return answer;
}
