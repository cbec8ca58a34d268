/*
 * The JSON the admin API answers with, as far as the `drivers` and `resources` commands read it
 * (the CLI talks HTTP and does not depend on `@chassis/runtime`).
 */

/** A JSON object of unknown shape. */
export type Json = Record<string, unknown>;

/** One installed version of a driver. */
export interface VersionRow {
  version: string;
  state: string;
  active: boolean;
  resources: string[];
  installedAt: string;
  form?: FormFieldRow[];
  /** The cause when `state` is `Failed`. */
  failure?: { code: string; message: string };
  /** Automatic restarts after faults. */
  restarts?: {
    attempts: number;
    maxAttempts: number;
    gaveUp: boolean;
    lastError?: { code: string; message: string };
    nextRetryAt?: string;
  };
  /** What its environment runs with (absent from servers that predate confinement). */
  limits?: LimitsRow;
}

/** A version's confinement limits, as `GET /api/drivers/{id}` reports them. */
export interface LimitsRow {
  heapMb: number;
  maxMessageBytes: number;
  env: string[];
  permissions: { childProcess: boolean; worker: boolean; addons: boolean; read: string[] };
}

/** One field of a rendered configuration form. */
export interface FormFieldRow {
  key: string;
  label: string;
  type: string;
  required: boolean;
  masked: boolean;
  default?: unknown;
}

/** A driver as `GET /api/drivers` and `GET /api/drivers/{id}` describe it. */
export interface DriverRow {
  id: string;
  name: string;
  vendor: string;
  category: string;
  activeVersion?: string;
  state?: string;
  tier?: string;
  signature?: { signed: boolean; vendor?: string };
  provides: { point: string; version: string }[];
  requires: { id: string; version: string }[];
  versions: VersionRow[];
  update?: { available: string };
  resources?: ResourceRow[];
}

/** A resource with its binding and (masked) configuration. */
export interface ResourceRow {
  resource: { id: string; kind: string; name?: string };
  binding: { driverId: string; version: string };
  configuration: Json;
  state: string;
  queued?: number;
  pinned?: boolean;
  form?: FormFieldRow[];
}

/** `POST /api/resources/{id}/test`. */
export interface ResourceTestRow {
  resource: string;
  driverId: string;
  version: string;
  operation: string;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
  durationMs: number;
}

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
