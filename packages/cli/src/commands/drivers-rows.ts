/*
 * The JSON the admin API answers with, as far as the `drivers` and `resources` commands read it.
 * The driver and resource summaries are the kernel's schemas (types only: the CLI talks HTTP and
 * does not depend on `@chassis/runtime`); the rest are the rows of one command each.
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
  VersionSummary,
} from '@chassis/kernel/summaries';

/** `POST /api/drivers/{id}/upgrade-plan`. */
export interface UpgradePlanRow {
  driverId: string;
  from: string;
  to: string;
  policy: { kind: string; canaries?: number };
  steps: { resources: string[]; healthCheck: boolean }[];
  resources: { id: string; from: string; to: string }[];
  activeAfter: string;
  configuration: { ok: boolean; invalid: { resource: string; violations: unknown }[] };
  contract: { ok: boolean; error?: { code: string; message: string } };
  signer: {
    from: { signed: boolean; vendor?: string; subject?: string };
    to: { signed: boolean; vendor?: string; subject?: string };
    changed: boolean;
  };
  ok: boolean;
}

/** An install/upgrade/rollback/uninstall record. */
export interface UpgradeRecordRow {
  action: string;
  driverId: string;
  from?: string;
  to?: string;
  result: string;
  resources: { id: string }[];
  /** How start-up recovery closed an `interrupted` record. */
  recovery?: { outcome: string; resources: { id: string; version: string }[] };
}
