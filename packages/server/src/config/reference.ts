import { OVERLAY } from './overlay.js';
import { ServerConfigSchema } from './schema.js';

interface Node {
  readonly type?: string;
  readonly enum?: readonly string[];
  readonly description?: string;
  readonly properties?: Readonly<Record<string, Node>>;
  readonly required?: readonly string[];
  readonly items?: Node;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
}

function typeOf(n: Node): string {
  if (n.enum) return `one of ${n.enum.map((v) => `\`${v}\``).join(', ')}`;
  if (n.type === 'array') return `list of ${n.items ? typeOf(n.items) : 'values'}`;
  if (n.type === 'object') return n.properties ? 'mapping' : 'mapping (see description)';
  const limits = [
    n.minimum !== undefined ? `≥ ${n.minimum}` : '',
    n.maximum !== undefined ? `≤ ${n.maximum}` : '',
  ].filter(Boolean);
  return `${n.type ?? 'any'}${limits.length ? ` (${limits.join(', ')})` : ''}`;
}

function walk(n: Node, path: string, required: boolean, out: string[]): void {
  if (path) {
    out.push(`## \`${path}\``, '');
    const facts = [`- Type: ${typeOf(n)}${required ? ', required' : ''}`];
    const overlay = OVERLAY.find((s) => s.field === path);
    if (overlay?.flag) facts.push(`- Flag: \`${overlay.flag}\``);
    if (overlay?.env) facts.push(`- Environment: \`${overlay.env}\``);
    out.push(...facts, '');
    if (n.description) out.push(n.description, '');
  }
  const props = n.properties ?? (n.type === 'array' ? n.items?.properties : undefined);
  const req = n.required ?? (n.type === 'array' ? n.items?.required : undefined) ?? [];
  if (!props) return;
  const base = n.type === 'array' ? `${path}[]` : path;
  for (const [key, child] of Object.entries(props))
    walk(child, base ? `${base}.${key}` : key, req.includes(key), out);
}

/**
 * The configuration reference (`CONFIG.md`), generated from {@link ServerConfigSchema} and the
 * flag / environment overlay. A test compares it with the committed file, so it cannot drift.
 */
export function renderConfigReference(): string {
  const out: string[] = [
    '# `chassis-server` configuration reference',
    '',
    '<!-- Generated from the schema by `pnpm --filter @chassis/server config-doc`: do not edit by hand. -->',
    '',
    (ServerConfigSchema as Node).description ?? '',
    '',
    'Precedence, for every field: a flag, then an environment variable, then the file, then the default. `--config <file>` (or `CHASSIS_SERVER_CONFIG`) names the file; `chassis-server --check` validates everything and exits. All problems are printed at once as `CHASSIS_E_SERVER_CONFIG_INVALID`, each with its source (file, flag or variable), its field path and what to do.',
    '',
  ];
  walk(ServerConfigSchema as Node, '', false, out);
  return `${out.join('\n').trimEnd()}\n`;
}
