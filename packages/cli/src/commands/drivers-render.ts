import type {
  ConfinementLimits,
  DriverDetail,
  DriverSummary,
  ResourceInfo,
  UpgradeRecord,
  VersionSummary,
} from './drivers-rows.js';
import { propertyTable } from './schema-columns.js';
import { table as renderTable } from './table.js';

/** One line for a version's limits: heap cap, message cap, environment allow-list, grants. */
export function limitsLine(l: ConfinementLimits): string {
  const mib = (n: number) => `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
  const p = l.permissions;
  const grants = [
    ...(p.childProcess ? ['childProcess'] : []),
    ...(p.worker ? ['worker'] : []),
    ...(p.addons ? ['addons'] : []),
    ...p.read.map((r) => `read:${r}`),
  ];
  return `limits heap ${l.heapMb} MiB · messages ${mib(l.maxMessageBytes)} · env ${l.env.join(', ') || '-'} · grants ${grants.join(', ') || '-'}`;
}

/** One line for an upgrade record: action, driver, versions, result and moved resources. */
export function recordLine(r: UpgradeRecord): string {
  const moved = r.resources.length > 0 ? `; moved ${r.resources.map((x) => x.id).join(', ')}` : '';
  const span = r.from || r.to ? ` ${r.from ?? ''}${r.from && r.to ? ' → ' : ''}${r.to ?? ''}` : '';
  const recovered = r.recovery
    ? ` (recovered at start: ${r.recovery.outcome}${r.recovery.resources.length > 0 ? `, rebound ${r.recovery.resources.map((x) => `${x.id}→${x.version}`).join(', ')}` : ''})`
    : '';
  return `${r.action} ${r.driverId}${span}: ${r.result}${recovered}${moved}`;
}

/** Lines under the versions table: why a version failed and how its restarts go. */
export function restartLines(
  versions: readonly Pick<VersionSummary, 'version' | 'failure' | 'restarts'>[],
): string[] {
  return versions.flatMap((v) => {
    const lines: string[] = [];
    if (v.failure) lines.push(`${v.version} failed: ${v.failure.code} ${v.failure.message}`);
    const r = v.restarts;
    if (r) {
      const status = r.gaveUp
        ? 'gave up (restart it by hand once the cause is fixed)'
        : r.nextRetryAt
          ? `next retry at ${r.nextRetryAt}`
          : 'up';
      const last = r.lastError ? `; last error ${r.lastError.code} ${r.lastError.message}` : '';
      lines.push(`${v.version} restarts: ${r.attempts}/${r.maxAttempts}, ${status}${last}`);
    }
    return lines;
  });
}

/** The table of `drivers list`. */
export function renderDriverList(rows: readonly DriverSummary[]): string {
  return renderTable(
    ['ID', 'NAME', 'CATEGORY', 'VERSION', 'STATE', 'TIER', 'SIGNED', 'UPDATE'],
    rows.map((d) => [
      d.id,
      d.name,
      d.category,
      d.activeVersion ?? '-',
      d.state ?? '-',
      d.tier ?? '-',
      d.signature?.signed ? 'yes' : 'no',
      d.update?.available ?? '',
    ]),
  );
}

/** `drivers show`: summary, versions, the active version's form and the bound resources. */
export function renderDriver(d: DriverDetail): string {
  const active = d.versions.find((v) => v.active) ?? d.versions[d.versions.length - 1];
  return [
    `${d.name} (${d.id})`,
    `vendor ${d.vendor} · category ${d.category} · tier ${d.tier ?? '-'} · signed ${d.signature?.signed ? `yes (${d.signature.vendor ?? '?'})` : 'no'}`,
    `provides ${d.provides.map((p) => `${p.point} ${p.version}`).join(', ') || '-'} · requires ${d.requires.map((r) => `${r.id} ${r.version}`).join(', ') || '-'}`,
    ...(active?.limits ? [limitsLine(active.limits)] : []),
    '',
    propertyTable(['version', 'state', 'active', 'resources'], d.versions),
    ...restartLines(d.versions),
    '',
    propertyTable(['key', 'label', 'type', 'required', 'masked', 'default'], active?.form ?? [], {
      key: 'PROPERTY',
      masked: 'SECRET',
    }),
    '',
    renderTable(
      ['RESOURCE', 'KIND', 'BOUND VERSION', 'STATE'],
      d.resources.map((r) => [r.resource.id, r.resource.kind, r.binding.version, r.state]),
    ),
  ].join('\n');
}

/** `drivers configure`: the binding and the (masked) configuration now in effect. */
export function renderConfigured(resource: string, updated: ResourceInfo): string {
  return [
    `configured ${resource} (${updated.binding.driverId}@${updated.binding.version})`,
    renderTable(
      ['PROPERTY', 'VALUE'],
      Object.entries(updated.configuration).map(([k, v]) => [k, String(v)]),
    ),
  ].join('\n');
}
