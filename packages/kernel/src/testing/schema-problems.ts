import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Everything wrong with `value` as an instance of a summary schema: TypeBox's errors, plus every
 * property (at any depth) the schema does not name, which TypeBox accepts on an open object. A
 * test asserting `[]` proves an answer is exactly what the schema (and so OpenAPI) documents.
 */
export function schemaProblems(schema: TSchema, value: unknown, where = ''): string[] {
  // TypeBox checks only registered formats; the summaries use `date-time` for OpenAPI clients.
  if (!FormatRegistry.Has('date-time'))
    FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)));
  const out = [...Value.Errors(schema, value)].map((e) => `${where}${e.path}: ${e.message}`);
  undeclared(schema, value, where, out);
  return out;
}

function undeclared(schema: TSchema, value: unknown, where: string, out: string[]): void {
  if (!value || typeof value !== 'object') return;
  const { properties, items } = schema as { properties?: Record<string, TSchema>; items?: TSchema };
  if (Array.isArray(value)) {
    if (items) for (const [i, v] of value.entries()) undeclared(items, v, `${where}/${i}`, out);
    return;
  }
  if (!properties) return;
  for (const [key, v] of Object.entries(value)) {
    const inner = properties[key];
    if (inner) undeclared(inner, v, `${where}/${key}`, out);
    else out.push(`${where}/${key}: not in the schema`);
  }
}
