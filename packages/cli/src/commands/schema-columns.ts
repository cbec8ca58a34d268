import { table } from './table.js';

/** How a column shows a value: booleans as `yes`/blank, lists comma-joined, absent as blank. */
function cell(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (value === true) return 'yes';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/**
 * A table whose columns are properties of a summary (the kernel's schema types): each header is
 * the key upper-cased unless `titles` renames it. Column lists name the schema's keys, so a
 * renamed or removed property fails to compile instead of printing a blank column. Types only:
 * loading TypeBox's schema values would cost every `chassis` start far more than the table.
 */
export function propertyTable<T, K extends keyof T & string>(
  keys: readonly K[],
  rows: readonly T[],
  titles: Partial<Record<K, string>> = {},
): string {
  return table(
    keys.map((k) => titles[k] ?? k.toUpperCase()),
    rows.map((r) => keys.map((k) => cell(r[k]))),
  );
}
