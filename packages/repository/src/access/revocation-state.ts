import { ChassisError } from '@chassis/kernel';
import { type RevocationList, verifyRevocationList } from '../ca/revocation-format.js';

/**
 * The revocation list a server enforces right now, and where it came from. It only moves
 * forward: every list is verified with the project CA before it replaces the current one, and
 * a lower version than the one in force is refused (`CHASSIS_E_REPO_ROLLBACK`), whatever its
 * source (the operator's file at start, the repository on every refresh). A refused list leaves
 * the current one in force.
 */
export class RevocationState {
  private text: string | undefined;
  private list: RevocationList | undefined;
  private from: string | undefined;

  constructor(private readonly caPem: string | undefined) {}

  /** The signed list JSON in force (`undefined`: none yet). */
  get current(): string | undefined {
    return this.text;
  }

  /** Version in force (0 when none). */
  get version(): number {
    return this.list?.version ?? 0;
  }

  /** Where the list in force came from (a file path or the repository URL). */
  get source(): string | undefined {
    return this.from;
  }

  /**
   * Verifies `text` (from `source`) and makes it the list in force when it is at least as new.
   * Without a project CA there is nothing a list could be checked against, nor any signed CAR
   * to revoke: the list is refused with `CHASSIS_E_CA_REVOCATIONS_INVALID`.
   */
  accept(text: string, source: string): RevocationList {
    if (!this.caPem) {
      throw new ChassisError(
        'CHASSIS_E_CA_REVOCATIONS_INVALID',
        `The revocation list from ${source} cannot be verified: no project CA is configured`,
        { details: { source } },
      );
    }
    let list: RevocationList;
    try {
      list = verifyRevocationList(this.caPem, text, { minVersion: this.version });
    } catch (err) {
      if (!ChassisError.is(err)) throw err;
      throw new ChassisError(err.code, `${err.message} (from ${source})`, {
        details: { ...err.details, source },
        cause: err,
      });
    }
    if (list.version > this.version || this.text === undefined) {
      this.text = text;
      this.list = list;
      this.from = source;
    }
    return list;
  }
}
