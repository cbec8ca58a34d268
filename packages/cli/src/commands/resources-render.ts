import type { ResourceInfo, ResourceTestRow, UpgradePlan } from './drivers-rows.js';
import { table } from './table.js';

/** Its owner in a cluster: `b`, or `b (fallback)` when no live member runs its bound version. */
const ownerText = (r: ResourceInfo) =>
  r.owner ? `${r.owner.memberId}${r.owner.fallback ? ' (fallback)' : ''}` : '';

/**
 * The table of `resources list`; an OWNER column in cluster mode (any row has an owner), with
 * a note when some resource is owned only as a fallback.
 */
export function renderResourceList(rows: readonly ResourceInfo[]): string {
  if (rows.length === 0)
    return 'no resources (create one: chassis resources create <id> --driver <driver> key=value …)';
  const cluster = rows.some((r) => r.owner);
  const out = table(
    ['RESOURCE', 'KIND', 'DRIVER', 'VERSION', 'STATE', 'PINNED', ...(cluster ? ['OWNER'] : [])],
    rows.map((r) => [
      r.resource.id,
      r.resource.kind,
      r.binding.driverId,
      r.binding.version,
      r.state,
      r.pinned ? 'yes' : '',
      ...(cluster ? [ownerText(r)] : []),
    ]),
  );
  return rows.some((r) => r.owner?.fallback)
    ? `${out}\nfallback: owned by a member that does not run the bound version (no live member does)`
    : out;
}

/** `resources show`: binding, state and the (masked) configuration. */
export function renderResource(r: ResourceInfo): string {
  return [
    `${r.resource.id}${r.resource.name ? ` (${r.resource.name})` : ''} · kind ${r.resource.kind}`,
    `bound to ${r.binding.driverId}@${r.binding.version}${r.pinned ? ' (pinned)' : ''} · ${r.state} · ${r.queued ?? 0} queued`,
    ...(r.owner
      ? [
          `owned by member ${r.owner.memberId}${r.owner.fallback ? ` as a fallback: no live member runs ${r.binding.driverId}@${r.binding.version}` : ''}`,
        ]
      : []),
    '',
    table(
      ['PROPERTY', 'VALUE'],
      Object.entries(r.configuration).map(([k, v]) => [k, v === null ? '' : String(v)]),
    ),
  ].join('\n');
}

/** `resources test`: what the driver answered. */
export function renderTest(t: ResourceTestRow): string {
  const head = `${t.resource} (${t.driverId}@${t.version}) ${t.operation}: ${t.ok ? 'ok' : 'FAILED'} in ${Math.round(t.durationMs)} ms`;
  if (t.error) return `${head}\n${t.error.code}: ${t.error.message}`;
  return t.result === undefined ? head : `${head}\n${JSON.stringify(t.result, null, 2)}`;
}

const policyText = (p: UpgradePlan['policy']) =>
  p.kind === 'canary' ? `canary (${p.canaries} first)` : p.kind;
const signerText = (s: UpgradePlan['signer']['from']) =>
  s.signed ? `${s.vendor ?? '?'}${s.subject ? ` (${s.subject})` : ''}` : 'unsigned';

/** An upgrade plan, like `terraform plan`: what moves, in which batches, and each check. */
export function renderPlan(p: UpgradePlan): string {
  const checks = [
    ['configuration', p.configuration.ok ? 'ok' : `${p.configuration.invalid.length} invalid`],
    ['contract', p.contract.ok ? 'ok' : `${p.contract.error?.code}: ${p.contract.error?.message}`],
    [
      'signer',
      p.signer.changed
        ? `CHANGED: ${signerText(p.signer.from)} → ${signerText(p.signer.to)}`
        : `unchanged (${signerText(p.signer.to)})`,
    ],
  ];
  const invalid = p.configuration.invalid.map(
    (f) => `  ${f.resource}: ${JSON.stringify(f.violations)}`,
  );
  return [
    `upgrade ${p.driverId} ${p.from} → ${p.to} · policy ${policyText(p.policy)} · active after: ${p.activeAfter}`,
    '',
    p.resources.length === 0
      ? 'no resources move'
      : table(
          ['STEP', 'RESOURCES', 'HEALTH CHECK'],
          p.steps.map((s, i) => [i + 1, s.resources.join(', '), s.healthCheck ? 'yes' : '']),
        ),
    '',
    table(['CHECK', 'RESULT'], checks),
    ...(invalid.length ? ['', ...invalid] : []),
  ].join('\n');
}
