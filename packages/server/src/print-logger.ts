import type { LogFields, Logger } from '@chassis/kernel';

/** Log levels, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

function value(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
}

/**
 * A compact human {@link Logger} for the demo: `log <level> <driver> [<resource>] <message>
 * k=v ...`. Lines below `min` are dropped. Drivers log through the kernel's logger contract from
 * their isolated workers; their lines arrive here with the driver and resource bound.
 */
export function printLogger(
  print: (line: string) => void,
  min: LogLevel = 'warn',
  bindings: LogFields = {},
): Logger {
  const floor = LOG_LEVELS.indexOf(min);
  const at =
    (level: LogLevel) =>
    (a: LogFields | string, b?: string): void => {
      if (LOG_LEVELS.indexOf(level) < floor) return;
      const fields = typeof a === 'string' ? {} : a;
      const msg = typeof a === 'string' ? a : (b ?? '');
      const all: LogFields = { ...bindings, ...fields };
      const { driver, version: _version, resource, ...rest } = all;
      const who = [driver, resource].filter((x) => x !== undefined).map(value);
      const extra = Object.entries(rest).map(([k, v]) => `${k}=${value(v)}`);
      print(['    log', level.padEnd(5), ...who, msg, ...extra].filter((s) => s !== '').join(' '));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => printLogger(print, min, { ...bindings, ...more }),
  };
}
