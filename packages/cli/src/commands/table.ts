import Table from 'cli-table3';

// No borders: columns separated by two spaces, so the output greps and diffs like `ls -l`.
const CHARS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '',
} as const;

/**
 * A plain-text table (cli-table3): a value with newlines (a certificate subject, a driver's
 * error message) wraps inside its own cell instead of breaking the columns after it.
 */
export function table(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const t = new Table({
    head: [...head],
    chars: CHARS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2, compact: true },
  });
  for (const row of rows) t.push(row.map((c) => (c === undefined || c === null ? '' : String(c))));
  // cli-table3 pads the last column too; trailing blanks only make diffs noisy.
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}
