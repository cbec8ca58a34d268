import type { UpgradeRecord, UpgradeRecovery } from '../api/runtime-api.js';

/** What start-up recovery knows about one interrupted action (all read from the state store). */
export interface RecoveryInput {
  /** The history record still `running`. */
  readonly record: UpgradeRecord;
  /**
   * The driver as persisted now: its installed versions and active version; `undefined` when
   * the driver record is gone (an uninstall of every version got that far).
   */
  readonly driver: { readonly versions: readonly string[]; readonly active?: string } | undefined;
  /** Persisted binding (version) of every resource of the plan that still has a record. */
  readonly bindings: ReadonlyMap<string, string>;
}

/** What recovery does: pure data, applied by the runtime. */
export interface RecoveryPlan {
  readonly outcome: UpgradeRecovery['outcome'];
  /** Persisted bindings to change, grouped by target version, in plan order. */
  readonly rebind: readonly { readonly version: string; readonly ids: readonly string[] }[];
  /** New `active`/`previous` of the driver record; absent: leave the record as it is. */
  readonly driver?: { readonly active: string; readonly previous?: string };
}

function group(targets: readonly (readonly [string, string])[]): RecoveryPlan['rebind'] {
  const out: { version: string; ids: string[] }[] = [];
  for (const [id, version] of targets) {
    const last = out[out.length - 1];
    if (last?.version === version) last.ids.push(id);
    else out.push({ version, ids: [id] });
  }
  return out;
}

/**
 * Decides how to close an action the server died in, per the recorded plan. The rule: return to
 * the last consistent state (every resource of the plan on its `from` version, the old version
 * active) unless the action had got past its point of no return, in which case finish it:
 * - upgrade / rollback: finished when every planned move is recorded done and it was not rolling
 *   back, or when the driver record already names `to` active (the commit was written);
 * - uninstall: finished when the driver record no longer lists any of the removed versions (the
 *   removal was written; the heir already holds the resources);
 * - install: finished when the driver record lists the version;
 * - a partial move (`upgrade --resources`) settles only its resources, never the active version.
 * A target version that is not installed is never chosen: the other outcome applies.
 */
export function planRecovery(input: RecoveryInput): RecoveryPlan {
  const { record, driver, bindings } = input;
  const moves = (record.plan?.moves ?? []).filter((m) => bindings.has(m.id));
  const installed = new Set(driver?.versions ?? []);
  const retarget = (pick: (m: (typeof moves)[number]) => string) =>
    group(
      moves.flatMap((m) => {
        const version = pick(m);
        return bindings.get(m.id) !== version && installed.has(version)
          ? [[m.id, version] as const]
          : [];
      }),
    );

  if (record.action === 'install') {
    const done = record.to !== undefined && installed.has(record.to);
    return { outcome: done ? 'completed' : 'rolled-back', rebind: [] };
  }

  if (record.action === 'uninstall') {
    const removed = (record.from ?? '').split(',').filter(Boolean);
    const done = removed.every((v) => !installed.has(v));
    return done
      ? { outcome: 'completed', rebind: retarget((m) => m.to) }
      : { outcome: 'rolled-back', rebind: retarget((m) => m.from) };
  }

  // upgrade / rollback
  const from = record.from ?? '';
  const to = record.to ?? '';
  const moved = new Set(record.progress?.moved ?? []);
  const allMoved =
    record.progress?.phase !== 'rolling-back' &&
    (record.plan?.moves ?? []).every((m) => moved.has(m.id));
  const committed = driver?.active === to;
  const canFinish = installed.has(to);
  const canReturn = installed.has(from);
  // A partial move never touched the driver's active version: only its resources are settled.
  const partial = record.plan?.partial === true;
  if (((committed && !partial) || allMoved || !canReturn) && canFinish) {
    return {
      outcome: 'completed',
      rebind: retarget(() => to),
      ...(partial || driver?.active === to ? {} : { driver: { active: to, previous: from } }),
    };
  }
  return {
    outcome: 'rolled-back',
    rebind: retarget(() => from),
    ...(partial || driver?.active === from || !canReturn ? {} : { driver: { active: from } }),
  };
}
