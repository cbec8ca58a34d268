import type { Logger, LogFields } from '@chassis/kernel';

/** One captured log line with the bindings of the logger that wrote it. */
export interface LogLine {
  readonly level: string;
  readonly bindings: LogFields;
  readonly fields: LogFields;
  readonly msg?: string;
}

/** A logger that records every line (for asserting on forwarded driver logs). */
export function captureLogger(
  lines: LogLine[] = [],
  bindings: LogFields = {},
): Logger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (a: LogFields | string, b?: string): void => {
      if (typeof a === 'string') lines.push({ level, bindings, fields: {}, msg: a });
      else lines.push({ level, bindings, fields: a, msg: b });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => captureLogger(lines, { ...bindings, ...more }),
  };
}
