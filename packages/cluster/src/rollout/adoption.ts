import type { StateStore } from '@chassis/kernel';
import { planClusterRecovery } from './cluster-recovery.js';
import { requestKey, type StoredRequest } from './keys.js';
import { rolloutFailed, stepAnswered } from './record-updates.js';
import type { ClusterRolloutRecord } from './types.js';

/**
 * Answers the members wrote after the old leader's last record update: read from the request
 * records of every step still `running`, so nothing a member did is lost in a takeover.
 */
export async function collectAnswers(
  store: StateStore,
  record: ClusterRolloutRecord,
): Promise<ClusterRolloutRecord> {
  let rec = record;
  if (rec.phase !== 'moving') return rec;
  for (let i = 0; i < rec.steps.length; i++) {
    if (rec.steps[i] !== 'running') continue;
    const answers = await Promise.all(
      (rec.plan.steps[i]?.batches ?? []).map(async (b) => {
        const key = requestKey({ rolloutId: rec.id, kind: 'move', n: i, ...b });
        const r = await store.get<StoredRequest>(key);
        return r?.value.status === 'done' ? r.value.result : undefined;
      }),
    );
    rec = stepAnswered(rec, i, answers);
  }
  return rec;
}

/**
 * The record as a new leader continues it (pure): per `planClusterRecovery`, either on to the
 * remaining steps / the commit, or rolling back, with the decision recorded in `recovery`.
 */
export function recovered(
  rec: ClusterRolloutRecord,
  o: {
    readonly by: string;
    readonly previousLeader: string;
    readonly at: string;
    readonly installed?: readonly string[];
  },
): ClusterRolloutRecord {
  const decision = planClusterRecovery(rec, o.installed);
  const recovery = { outcome: decision.outcome, by: o.by, epoch: rec.epoch, at: o.at };
  if (decision.outcome === 'completed') return { ...rec, phase: decision.phase, recovery };
  return {
    ...rec,
    phase: 'rolling-back',
    recovery,
    error:
      rec.error ??
      rolloutFailed(
        rec,
        `its leader ${o.previousLeader} stopped before every resource moved`,
        undefined,
        {
          leader: o.previousLeader,
        },
      ),
  };
}
