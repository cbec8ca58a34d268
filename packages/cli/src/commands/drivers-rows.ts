/*
 * The JSON the admin API answers with, as far as the `drivers` and `resources` commands read it:
 * the kernel's summary schemas (types only: the CLI talks HTTP and does not depend on
 * `@chassis/runtime`), the driver, resource and upgrade shapes alike.
 */
export type {
  ClusterMemberInfo,
  ClusterOverview,
  ConfinementLimits,
  DriverDetail,
  DriverMembers,
  DriverSummary,
  FormField,
  ResourceDetail,
  ResourceInfo,
  ResourceTestResult as ResourceTestRow,
  UpdateNotice,
  UpgradePlan,
  UpgradeRecord,
  VersionSummary,
} from '@chassis/kernel/summaries';
