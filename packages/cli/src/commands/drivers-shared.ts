import type { Command } from 'commander';
import { type Connection, output } from './admin-client.js';

/** Encodes one path or query segment of an admin API URL. */
export const enc = encodeURIComponent;

/** The connection options of `cmd` (`--url`, `--token`, `--json`, with the root's). */
export function conn(cmd: Command): Connection {
  return cmd.optsWithGlobals() as Connection;
}

/** Prints `data` as JSON with `--json`, else the text `human` renders. */
export function print(cmd: Command, data: unknown, human: () => string): void {
  const { out } = output(cmd);
  out(`${conn(cmd).json ? JSON.stringify(data, null, 2) : human()}\n`);
}
