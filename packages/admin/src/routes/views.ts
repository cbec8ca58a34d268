import {
  ChassisError,
  type DriverDetail,
  type DriverSummary,
  type FormField,
  type ResourceDetail,
  renderForm,
  type UpdateNotice,
  type VersionDetail,
  type VersionSummary,
} from '@chassis/kernel';
import { pickProperties, VersionSummarySchema } from '@chassis/kernel/summaries';
import type { DriverInfo, DriverVersionInfo, RuntimeApi } from '@chassis/runtime';

// The shapes are the kernel's summary schemas (the OpenAPI components are the same objects).
export type { DriverDetail, DriverSummary, VersionDetail, VersionSummary } from '@chassis/kernel';

function headOf(d: DriverInfo): DriverVersionInfo | undefined {
  return d.versions.find((v) => v.active) ?? d.versions[d.versions.length - 1];
}

/** A version as the drivers table shows it: exactly the fields `VersionSummarySchema` names. */
const versionSummary = (v: DriverVersionInfo): VersionSummary =>
  pickProperties(VersionSummarySchema, v);

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

/** The driver detail with labels for `locale`. */
export function driverDetail(runtime: RuntimeApi, id: string, locale: string): DriverDetail {
  const d = runtime.getDriver(id);
  const summary = driverSummary(d, runtime.availableUpdates());
  return {
    ...summary,
    locale,
    versions: d.versions.map(
      (v): VersionDetail => ({
        ...versionSummary(v),
        ...(v.descriptor.description ? { description: v.descriptor.description } : {}),
        license: v.descriptor.license,
        form: renderForm(v.descriptor.properties ?? [], v.messages, locale),
      }),
    ),
    resources: runtime.listResources({ driverId: id }),
  };
}

/** `GET /api/resources/:id`: the masked configuration plus the bound version's form. */
export function resourceDetail(runtime: RuntimeApi, id: string, locale: string): ResourceDetail {
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
