import type { CompartmentState, RolloutPolicy } from '@chassis/kernel';

/** Filters of {@link RuntimeApi.listResources}; every given field must match. */
export interface ResourceFilter {
  readonly driverId?: string;
  /** The version the resource is bound to. */
  readonly version?: string;
  /** The compartment state (`Active`, `Suspended`, `Closed`...). */
  readonly state?: CompartmentState;
}

/** Options of an upgrade (and of its plan). */
export interface UpgradeOptions {
  /** Target version; absent: the newest installed version above the active one. */
  readonly version?: string;
  /** Default one at a time. */
  readonly policy?: RolloutPolicy;
  /**
   * Move only these resources (all bound to one version of the driver). The active version
   * stays as it is, so new resources keep binding to it: mixed versions are a supported state.
   */
  readonly resources?: readonly string[];
}

// What an upgrade would do (and its parts): the kernel's `UpgradePlanSchema`.
export type { PlannedMove, PlannedViolation, UpgradePlan } from '@chassis/kernel';

/** Options of {@link RuntimeApi.testResource}. */
export interface ResourceTestOptions {
  /**
   * A read-only method of the resource's contract (`stats`, `capabilities`, `hostStats`...);
   * absent: the driver's health check.
   */
  readonly operation?: string;
  /** Arguments of the operation (e.g. a host id for `hostStats`). */
  readonly args?: readonly unknown[];
  /** Deadline of the call (default: the server's call timeout). */
  readonly timeoutMs?: number;
}

/** The answer of a resource test: the kernel's `ResourceTestResultSchema`. */
export type { ResourceTestResult } from '@chassis/kernel';

/** Options of {@link RuntimeApi.deleteResource}. */
export interface DeleteResourceOptions {
  /** Delete even with operations running or queued (they finish or are refused first). */
  readonly force?: boolean;
}
