/** Structured log fields. */
export type LogFields = Record<string, unknown>;

/** One log method: pino's calling convention (`fields, message` or `message`). */
export interface LogFn {
  (fields: LogFields, message?: string): void;
  (message: string): void;
}

/**
 * The logger the kernel exports to drivers: a pino-compatible subset, so a pino instance can be
 * bound directly and drivers never depend on a logging library.
 */
export interface Logger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  /** A logger that adds `bindings` to every line (driver, resource, ...). */
  child(bindings: LogFields): Logger;
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
