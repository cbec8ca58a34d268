import type { CompartmentState, SerializedError } from '@chassis/kernel';
import type { RolloutPolicy, SignatureInfo } from './runtime-api.js';

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

/** One resource an upgrade would move. */
export interface PlannedMove {
  readonly id: string;
  readonly from: string;
  readonly to: string;
}

/** A configuration that does not fit the target version's property descriptor. */
export interface PlannedViolation {
  readonly resource: string;
  readonly violations: unknown;
}

/**
 * What an upgrade would do, computed without changing anything (like `terraform plan`):
 * `ok` is true when every check passes, so applying it with the same options should succeed
 * unless the new version fails to start, migrate or pass its health check.
 */
export interface UpgradePlan {
  readonly driverId: string;
  readonly from: string;
  readonly to: string;
  readonly policy: RolloutPolicy;
  /** Batches in order; each is followed by the new version's health check when `healthCheck`. */
  readonly steps: readonly {
    readonly resources: readonly string[];
    readonly healthCheck: boolean;
  }[];
  readonly resources: readonly PlannedMove[];
  /** The active version once applied (unchanged when only a subset moves). */
  readonly activeAfter: string;
  /** Each resource's configuration validated against the target's descriptor. */
  readonly configuration: { readonly ok: boolean; readonly invalid: readonly PlannedViolation[] };
  /** Contract compatibility of `provides` (a major change must be declared). */
  readonly contract: { readonly ok: boolean; readonly error?: SerializedError };
  /** Who signed each version; `changed` when vendor or subject differs. */
  readonly signer: {
    readonly from: SignatureInfo;
    readonly to: SignatureInfo;
    readonly changed: boolean;
  };
  readonly ok: boolean;
}

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
