import { adviceFor } from './advice.js';
import type { ErrorCodeSpec } from './codes/spec.js';
import { ERROR_CODES } from './registry.js';

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').replace(/\.$/, '');

/**
 * `docs/errors.md`: every registered code with its HTTP status, meaning and what to do, in
 * code order. Pure, so a test can check the committed page against the registry.
 */
export function renderErrorReference(): string {
  const rows = (Object.entries(ERROR_CODES) as [string, ErrorCodeSpec][])
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, spec]) => {
      const meaning = spec.deprecated
        ? `${spec.summary} (deprecated: ${spec.deprecated})`
        : spec.summary;
      return `- **\`${code}\`** (HTTP ${spec.status}): ${oneLine(meaning)}. What to do: ${oneLine(adviceFor(code))}.`;
    });
  return [
    '# Error codes',
    '',
    '<!-- Generated from the kernel error registry by `node scripts/errors-doc.mjs`; do not edit. -->',
    '',
    'Every Chassis error carries one stable `CHASSIS_E_*` code; the admin API answers with the',
    'HTTP status below, and `chassis explain <CODE>` prints the same entry. The message of a',
    'concrete error says more (the file, field, driver or resource, and what to change).',
    '',
    ...rows,
    '',
  ].join('\n');
}
