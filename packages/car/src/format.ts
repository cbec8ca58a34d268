import type { CarInspection } from './inspect.js';

/** Renders rows as a left-aligned text table with a header and a rule. */
export function renderTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The human form of `chassis car inspect`: a summary, then provides, requires, properties, files. */
export function formatInspection(i: CarInspection): string {
  const d = i.driver;
  const out: string[] = [
    `${d.name} (${d.id}@${d.version})`,
    ...(d.description ? [d.description] : []),
    '',
    renderTable(
      ['field', 'value'],
      [
        ['vendor', d.vendor],
        ['license', d.license],
        ['category', d.category],
        ['entry', d.entry],
        ['isolation', d.isolation],
        ['engines.chassis', d.engines.chassis],
        ['locales', i.locales.join(', ') || '-'],
        ['signature', i.signature],
        ['size', `${i.size} bytes`],
        ['sha256', i.sha256],
      ],
    ),
    '',
    'Provides',
    renderTable(
      ['point', 'version', 'handles'],
      i.provides.map((p) => [p.point, p.version, (p.handles ?? []).join(', ') || '-']),
    ),
    '',
    'Requires',
    i.requires.length === 0
      ? '(none)'
      : renderTable(
          ['id', 'version'],
          i.requires.map((r) => [r.id, r.version]),
        ),
    '',
    'Properties',
    i.properties.length === 0
      ? '(none)'
      : renderTable(
          ['key', 'type', 'required', 'secret', 'default', 'label'],
          i.properties.map((p) => [
            p.key,
            p.maxLength !== undefined ? `${p.type}(${p.maxLength})` : p.type,
            p.required ? 'yes' : 'no',
            p.secret ? 'yes' : 'no',
            p.default === undefined ? '-' : String(p.default),
            p.label,
          ]),
        ),
    '',
    `Files (${i.files.length})`,
    renderTable(
      ['path', 'size', 'sha256 (base64)'],
      i.files.map((f) => [f.path, String(f.size), f.sha256]),
    ),
  ];
  return `${out.join('\n')}\n`;
}
