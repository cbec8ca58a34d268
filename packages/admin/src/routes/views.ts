import { ChassisError, type FormField, renderForm } from '@chassis/kernel';
import type {
  DriverInfo,
  DriverVersionInfo,
  ResourceInfo,
  RuntimeApi,
  UpdateNotice,
} from '@chassis/runtime';

/** One version in the drivers table (no descriptor, no messages). */
export interface VersionSummary {
  readonly version: string;
  readonly state: DriverVersionInfo['state'];
  readonly active: boolean;
  readonly tier: DriverVersionInfo['tier'];
  readonly resources: readonly string[];
  readonly installedAt: string;
  readonly sha256: string;
  readonly signature: DriverVersionInfo['signature'];
  readonly failure?: DriverVersionInfo['failure'];
  /** Heap cap, message cap, environment allow-list and granted permissions. */
  readonly limits?: DriverVersionInfo['limits'];
  /** Automatic restarts after faults (attempts, last error, next retry, given up). */
  readonly restarts?: DriverVersionInfo['restarts'];
}

/** A row of `GET /api/drivers`. */
export interface DriverSummary {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly category: string;
  readonly activeVersion?: string;
  /** State of the active version (or of the newest one when none is active). */
  readonly state?: DriverVersionInfo['state'];
  readonly tier?: DriverVersionInfo['tier'];
  readonly signature?: DriverVersionInfo['signature'];
  readonly provides: DriverVersionInfo['descriptor']['provides'];
  readonly requires: NonNullable<DriverVersionInfo['descriptor']['requires']>;
  readonly versions: readonly VersionSummary[];
  readonly update?: UpdateNotice;
}

function headOf(d: DriverInfo): DriverVersionInfo | undefined {
  return d.versions.find((v) => v.active) ?? d.versions[d.versions.length - 1];
}

function versionSummary(v: DriverVersionInfo): VersionSummary {
  return {
    version: v.version,
    state: v.state,
    active: v.active,
    tier: v.tier,
    resources: v.resources,
    installedAt: v.installedAt,
    sha256: v.sha256,
    signature: v.signature,
    ...(v.failure ? { failure: v.failure } : {}),
    ...(v.limits ? { limits: v.limits } : {}),
    ...(v.restarts ? { restarts: v.restarts } : {}),
  };
}

/** `GET /api/drivers` row. */
export function driverSummary(d: DriverInfo, updates: readonly UpdateNotice[]): DriverSummary {
  const head = headOf(d);
  const update = updates.find((u) => u.id === d.id);
  return {
    id: d.id,
    name: d.name,
    vendor: d.vendor,
    category: d.category,
    ...(d.activeVersion ? { activeVersion: d.activeVersion } : {}),
    ...(head ? { state: head.state, tier: head.tier, signature: head.signature } : {}),
    provides: head?.descriptor.provides ?? [],
    requires: head?.descriptor.requires ?? [],
    versions: d.versions.map(versionSummary),
    ...(update ? { update } : {}),
  };
}

/** One version in the driver detail: the summary plus the rendered configuration form. */
export interface VersionDetail extends VersionSummary {
  readonly description?: string;
  readonly license: string;
  readonly form: readonly FormField[];
}

/** `GET /api/drivers/:id`. */
export interface DriverDetail extends Omit<DriverSummary, 'versions'> {
  readonly locale: string;
  readonly versions: readonly VersionDetail[];
  readonly resources: readonly ResourceInfo[];
}

/** The driver detail with labels for `locale`. */
export function driverDetail(runtime: RuntimeApi, id: string, locale: string): DriverDetail {
  const d = runtime.getDriver(id);
  const summary = driverSummary(d, runtime.availableUpdates());
  return {
    ...summary,
    locale,
    versions: d.versions.map((v) => ({
      ...versionSummary(v),
      ...(v.descriptor.description ? { description: v.descriptor.description } : {}),
      license: v.descriptor.license,
      form: renderForm(v.descriptor.properties ?? [], v.messages, locale),
    })),
    resources: runtime.listResources({ driverId: id }),
  };
}

/** `GET /api/resources/:id`: the masked configuration plus the bound version's form. */
export function resourceDetail(
  runtime: RuntimeApi,
  id: string,
  locale: string,
): ResourceInfo & { readonly form: readonly FormField[]; readonly locale: string } {
  const info = runtime.getResource(id);
  let form: readonly FormField[] = [];
  try {
    const v = runtime
      .getDriver(info.binding.driverId)
      .versions.find((x) => x.version === info.binding.version);
    if (v) form = renderForm(v.descriptor.properties ?? [], v.messages, locale);
  } catch (err) {
    // A resource whose driver is gone still shows its configuration, just without a form; any
    // other failure (a broken descriptor, a bug) is an error, not an empty form.
    if (!(ChassisError.is(err) && err.code === 'CHASSIS_E_UPGRADE_NOT_INSTALLED')) throw err;
  }
  return { ...info, form, locale };
}
