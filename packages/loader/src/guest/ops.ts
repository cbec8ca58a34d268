import type { InvocationContext } from '@chassis/kernel';

/** One request to a driver, as plain data: the same in every tier. */
export type DriverOp =
  | { readonly op: 'start' }
  | { readonly op: 'stop' }
  | { readonly op: 'health' }
  | { readonly op: 'migrate'; readonly fromVersion: string; readonly state: unknown }
  | {
      readonly op: 'invoke';
      readonly point: string;
      readonly method: string;
      readonly ctx: InvocationContext;
      readonly args: readonly unknown[];
    };

/** Log levels forwarded from a driver to the host logger. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the driver's log lines go: the host logger (in-process) or a message to the host. */
export type LogSink = (
  level: LogLevel,
  bindings: Record<string, unknown>,
  fields: Record<string, unknown>,
  msg: string | undefined,
) => void;

/** What the guest needs to load a driver: everything is plain data. */
export interface GuestInit {
  /** Absolute path of the extracted CAR directory. */
  readonly dir: string;
  /** Entry path inside the CAR (`classes/index.js`). */
  readonly entry: string;
  readonly driver: { readonly id: string; readonly version: string };
  readonly messages: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Appended to the entry URL so that an in-process reload gets a fresh module instance. */
  readonly instance?: number;
}
