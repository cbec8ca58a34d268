import type { Logger } from '@chassis/kernel';
import type { UpgradeRecord } from '../api/runtime-api.js';
import type { OnUpgradeBegin, UpgradeStatus } from '../api/upgrade-status.js';
import { acceptOnBegin, statusOfRecord, upgradeNotFound } from '../upgrade/upgrade-status.js';

/**
 * The upgrades and rollbacks a server accepted (`submitUpgrade`, `submitRollback`): each runs
 * on after its record is stored, and is followed by its history record's id. A record is closed
 * just before the driver's lock is released, so until the action settled its status stays
 * `running`: a client that saw it end never has its next action refused
 * `CHASSIS_E_UPGRADE_IN_PROGRESS` by this one.
 */
export class AcceptedActions {
  readonly #settling = new Set<string>();

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly read: (id: string) => Promise<UpgradeRecord | undefined>,
  ) {}

  /** Runs an action; resolves with its status once its record is stored (see `acceptOnBegin`). */
  async accept(run: (onBegin: OnUpgradeBegin) => Promise<UpgradeRecord>): Promise<UpgradeStatus> {
    const record = await acceptOnBegin((onBegin) => {
      let id: string | undefined;
      const done = run((r) => {
        id = r.id;
        this.#settling.add(r.id);
        onBegin(r);
      });
      // acceptOnBegin handles the rejection itself (rejects, or logs once accepted).
      done
        .finally(() => {
          if (id) this.#settling.delete(id);
        })
        .catch(() => undefined);
      return done;
    }, this.logger);
    return statusOfRecord(record);
  }

  /** The status of any history record (`CHASSIS_E_UPGRADE_NOT_FOUND` without one). */
  async status(id: string): Promise<UpgradeStatus> {
    const record = await this.read(id);
    if (!record) throw upgradeNotFound(id);
    const status = statusOfRecord(record);
    return this.#settling.has(id) && status.state !== 'running'
      ? { ...status, state: 'running' }
      : status;
  }
}
