/**
 * How long finished cluster rollouts and their requests stay in the shared store. Without it
 * `rollouts/<id>` (with its step requests) and `rollout-requests/<id>` grow forever.
 */
export interface RolloutRetention {
  /** Newest finished rollout records kept per driver (default 20, at least 1). */
  readonly keepPerDriver?: number;
  /** A finished rollout record older than this (by `finishedAt`) goes (default 30 days). */
  readonly maxAgeMs?: number;
  /**
   * A request whose rollout finished, or that was refused or cancelled, stays this long after
   * that, so a client following its id reads the outcome (default 1 hour).
   */
  readonly requestGraceMs?: number;
  /** The leader prunes at least this often, besides after each rollout ends (default 10 min). */
  readonly pruneEveryMs?: number;
  /** At most this many records removed per pass, so one pass stays short (default 200). */
  readonly maxPerPass?: number;
}

/** The defaults of {@link RolloutRetention}. */
export const DEFAULT_RETENTION = {
  keepPerDriver: 20,
  maxAgeMs: 30 * 24 * 3_600_000,
  requestGraceMs: 3_600_000,
  pruneEveryMs: 10 * 60_000,
  maxPerPass: 200,
} as const satisfies Required<RolloutRetention>;

/** What {@link planPruning} reads of one rollout record. */
export interface RetainedRollout {
  readonly id: string;
  readonly driverId: string;
  readonly state: 'running' | 'succeeded' | 'rolled-back' | 'failed';
  readonly startedAt: string;
  readonly finishedAt?: string;
}

/** What {@link planPruning} reads of one rollout request (`updatedAt`: the store's write time). */
export interface RetainedRequest {
  readonly id: string;
  readonly status: 'pending' | 'claimed' | 'begun' | 'refused' | 'cancelled';
  readonly expiresAt: string;
  readonly updatedAt: string;
}

/** What one pass removes: rollout ids (record and step requests) and request ids. */
export interface PruningPlan {
  readonly rollouts: readonly string[];
  readonly requests: readonly string[];
}

const time = (iso: string | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/**
 * The leader's pruning rule (pure). A `running` rollout is never removed, nor its request.
 * A finished one goes when it is not among the newest `keepPerDriver` finished ones of its
 * driver (by `finishedAt`, then `startedAt`, then id), or finished more than `maxAgeMs` ago. A
 * request goes with its rollout, or `requestGraceMs` after its rollout finished, or after it
 * was refused or cancelled (its last write), or, still open, that long after it expired
 * (a leader cancels an expired one first, so this is only a request nobody will run). Step
 * requests whose rollout record is gone (`orphans`) go too. Oldest first, at most `maxPerPass`
 * ids in all.
 */
export function planPruning(input: {
  readonly rollouts: readonly RetainedRollout[];
  readonly requests: readonly RetainedRequest[];
  /** Rollout ids that have step requests but no record (left by an interrupted pass). */
  readonly orphans?: readonly string[];
  readonly now: Date;
  readonly retention?: RolloutRetention;
}): PruningPlan {
  const r = { ...DEFAULT_RETENTION, ...input.retention };
  const keep = Math.max(1, Math.floor(r.keepPerDriver));
  const now = input.now.getTime();
  const finished = input.rollouts
    .filter((x) => x.state !== 'running')
    .sort(
      (a, b) =>
        (time(b.finishedAt) || 0) - (time(a.finishedAt) || 0) ||
        time(b.startedAt) - time(a.startedAt) ||
        (a.id < b.id ? 1 : -1),
    );
  const seen = new Map<string, number>();
  const gone: { id: string; at: number }[] = [];
  for (const x of finished) {
    const rank = seen.get(x.driverId) ?? 0;
    seen.set(x.driverId, rank + 1);
    // An unreadable finishedAt counts as old: a record nobody can date is not kept forever.
    const at = time(x.finishedAt);
    if (rank >= keep || !(at >= now - r.maxAgeMs)) gone.push({ id: x.id, at: at || 0 });
  }
  gone.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  const byId = new Map(input.rollouts.map((x) => [x.id, x]));
  const removed = new Set(gone.map((g) => g.id));
  const requests: { id: string; at: number }[] = [];
  for (const q of input.requests) {
    const rollout = byId.get(q.id);
    if (rollout?.state === 'running') continue;
    const since = (iso: string | undefined) => now - time(iso) >= r.requestGraceMs;
    const drop =
      removed.has(q.id) ||
      (rollout
        ? since(rollout.finishedAt)
        : q.status === 'begun' || // its record is gone already
          ((q.status === 'refused' || q.status === 'cancelled') && since(q.updatedAt)) ||
          ((q.status === 'pending' || q.status === 'claimed') && since(q.expiresAt)));
    if (drop) requests.push({ id: q.id, at: time(q.updatedAt) || 0 });
  }
  requests.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  const budget = Math.max(1, Math.floor(r.maxPerPass));
  const orphans = (input.orphans ?? []).filter((id) => !byId.has(id));
  const rollouts = [...orphans, ...gone.map((g) => g.id)].slice(0, budget);
  const kept = new Set(rollouts);
  // A request of a rollout left for the next pass stays with it (they go together).
  const reqs = requests
    .filter((q) => !removed.has(q.id) || kept.has(q.id))
    .map((q) => q.id)
    .slice(0, Math.max(0, budget - rollouts.length));
  return { rollouts, requests: reqs };
}
