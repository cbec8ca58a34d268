/*
 * The one definition of the driver, resource, upgrade and catalog summaries: TypeBox schemas, their TypeScript
 * types (`Shape<>` of each), and `summarySchemas`, the same objects keyed by the OpenAPI
 * component name. The runtime API types, the admin views and OpenAPI document, and the CLI rows
 * all derive from here.
 */

import { CatalogDriverSchema } from './catalog.js';
import {
  ClusterMemberInfoSchema,
  ClusterOverviewSchema,
  DriverMemberStateSchema,
  DriverMembersSchema,
  MemberDriverStateSchema,
} from './cluster-member.js';
import { DriverDetailSchema, VersionDetailSchema } from './driver-detail.js';
import {
  DriverMemorySchema,
  ExecutorMetricsSchema,
  MetricsHistorySchema,
} from './driver-metrics.js';
import { DriverSummarySchema, FormFieldSchema, UpdateNoticeSchema } from './driver-summary.js';
import {
  ConfinementLimitsSchema,
  LifecycleEventSchema,
  RestartStatusSchema,
  SignatureInfoSchema,
  VersionSummarySchema,
} from './driver-version.js';
import { SerializedErrorSchema } from './error.js';
import {
  ResourceDetailSchema,
  ResourceInfoSchema,
  ResourceTestResultSchema,
} from './resource-summary.js';
import { RolloutPolicySchema, UpgradePlanSchema, UpgradeRecordSchema } from './upgrade.js';
import { UpgradeStatusSchema } from './upgrade-status.js';

export * from './catalog.js';
export * from './cluster-member.js';
export * from './driver-detail.js';
export * from './driver-metrics.js';
export * from './driver-summary.js';
export * from './driver-version.js';
export * from './error.js';
export * from './resource-summary.js';
export * from './shape.js';
export * from './upgrade.js';
export * from './upgrade-status.js';

/** Every summary schema under its OpenAPI component name (`#/components/schemas/<name>`). */
export const summarySchemas = {
  DriverSummary: DriverSummarySchema,
  DriverDetail: DriverDetailSchema,
  VersionSummary: VersionSummarySchema,
  VersionDetail: VersionDetailSchema,
  SignatureInfo: SignatureInfoSchema,
  ConfinementLimits: ConfinementLimitsSchema,
  RestartStatus: RestartStatusSchema,
  LifecycleEvent: LifecycleEventSchema,
  SerializedError: SerializedErrorSchema,
  UpgradeStatus: UpgradeStatusSchema,
  UpdateNotice: UpdateNoticeSchema,
  FormField: FormFieldSchema,
  ResourceInfo: ResourceInfoSchema,
  ResourceDetail: ResourceDetailSchema,
  ResourceTestResult: ResourceTestResultSchema,
  ExecutorMetrics: ExecutorMetricsSchema,
  DriverMemory: DriverMemorySchema,
  MemberDriverState: MemberDriverStateSchema,
  ClusterMemberInfo: ClusterMemberInfoSchema,
  ClusterOverview: ClusterOverviewSchema,
  DriverMemberState: DriverMemberStateSchema,
  DriverMembers: DriverMembersSchema,
  MetricsHistory: MetricsHistorySchema,
  RolloutPolicy: RolloutPolicySchema,
  UpgradeRecord: UpgradeRecordSchema,
  UpgradePlan: UpgradePlanSchema,
  CatalogDriver: CatalogDriverSchema,
} as const;
