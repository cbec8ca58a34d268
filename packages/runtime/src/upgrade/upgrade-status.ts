import { ChassisError, type Logger, serializeError } from '@chassis/kernel';
import type { UpgradeRecord } from '../api/runtime-api.js';
import type { OnUpgradeBegin, UpgradeStatus } from '../api/upgrade-status.js';

/** A history record as an {@link UpgradeStatus}: its result is the state (pure). */
export function statusOfRecord(record: UpgradeRecord): UpgradeStatus {
  const total = record.plan?.moves.length;
  const moved = record.progress?.moved.length ?? (record.result === 'running' ? 0 : undefined);
  return {
    id: record.id,
    action: record.action,
    driverId: record.driverId,
    ...(record.from ? { from: record.from } : {}),
    ...(record.to ? { to: record.to } : {}),
    state: record.result,
    ...(record.result === 'running' && record.progress ? { phase: record.progress.phase } : {}),
    ...(total !== undefined
      ? { progress: { moved: moved ?? record.resources.length, total } }
      : {}),
    acceptedAt: record.startedAt,
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    ...(record.error ? { error: record.error } : {}),
    record,
  };
}

/**
 * Starts `run` and resolves with the action's record as soon as it is stored (`onBegin`),
 * while the action goes on; a failure before that (not installed, same version, in progress)
 * rejects as the synchronous call would. What the action does after it began is in its record,
 * so a later rejection is only logged.
 */
export function acceptOnBegin(
  run: (onBegin: OnUpgradeBegin) => Promise<UpgradeRecord>,
  logger: Pick<Logger, 'warn'>,
): Promise<UpgradeRecord> {
  return new Promise<UpgradeRecord>((resolve, reject) => {
    let begun = false;
    run((record) => {
      begun = true;
      resolve(record);
    }).then(
      // Finished without telling (an action with no record of its own): its result is the answer.
      (record) => resolve(record),
      (err: unknown) => {
        if (!begun) reject(err);
        else logger.warn({ err: serializeError(err) }, 'accepted upgrade ended with an error');
      },
    );
  });
}

/** `CHASSIS_E_UPGRADE_NOT_FOUND` for an id no record or request has. */
export function upgradeNotFound(id: string): ChassisError {
  return new ChassisError(
    'CHASSIS_E_UPGRADE_NOT_FOUND',
    `No upgrade, rollback or other action has the id "${id}" here (never accepted, or pruned); see the history (GET /api/upgrades)`,
    { details: { id } },
  );
}
