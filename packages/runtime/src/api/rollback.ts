/** Options of {@link RuntimeApi.rollback}. */
export interface RollbackOptions {
  /**
   * The kept (installed) version to move back to; absent: the version that was active before
   * the last upgrade or rollback. A version that is not kept is refused with
   * `CHASSIS_E_UPGRADE_VERSION_NOT_KEPT`, naming the kept ones.
   */
  readonly to?: string;
}
