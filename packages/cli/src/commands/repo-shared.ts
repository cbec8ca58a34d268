import type { Command } from 'commander';

/** Output functions of the root program (runCli's streams in tests). */
export function io(cmd: Command): { out: (line: string) => void; err: (line: string) => void } {
  let root = cmd;
  while (root.parent) root = root.parent;
  const o = root.configureOutput();
  const out = o.writeOut ?? ((s: string) => process.stdout.write(s));
  const err = o.writeErr ?? ((s: string) => process.stderr.write(s));
  return { out: (l) => out(`${l}\n`), err: (l) => err(`${l}\n`) };
}

/** Commander argument parser of a repeatable option: collects every value in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Lines of a left-aligned text table, columns two spaces apart, no trailing blanks. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}
