import { InvalidArgumentError } from 'commander';
import type { FormField } from './drivers-rows.js';

/** `key=value` pairs typed by the resource's form: numbers and booleans parsed, `key=` removes. */
export function parseAssignments(
  pairs: readonly string[],
  form: readonly FormField[],
): Record<string, unknown> {
  const types = new Map(form.map((f) => [f.key, f.type]));
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`"${pair}" is not key=value.`);
    const key = pair.slice(0, i);
    const raw = pair.slice(i + 1);
    const type = types.get(key);
    let value: unknown = raw;
    if (raw === '') value = null;
    else if (type === 'number' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw))
      value = Number(raw);
    else if (type === 'boolean' && (raw === 'true' || raw === 'false')) value = raw === 'true';
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
