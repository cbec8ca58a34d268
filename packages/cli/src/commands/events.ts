import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { type Connection, output, streamEvents, withConnection } from './admin-client.js';

function describe(event: string, data: Record<string, unknown>): string {
  if (event === 'lifecycle')
    return `${data.at} lifecycle ${data.driver}@${data.version} ${data.from} → ${data.to}`;
  if (event === 'upgrade')
    return `upgrade ${data.action} ${data.driverId} ${data.from ?? ''} → ${data.to ?? ''}: ${data.result}`;
  if (event === 'updates') return `updates ${(data as unknown as unknown[]).length} available`;
  return `${event} ${JSON.stringify(data)}`;
}

/** Registers `chassis events`: follows the server's live events (one JSON object a line with --json). */
export function registerEventsCommand(program: Command): void {
  withConnection(
    program
      .command('events')
      .description('Follow lifecycle, upgrade and update events live (Ctrl-C stops)'),
  )
    .option('--types <list>', 'comma-separated subset of lifecycle,upgrade,updates')
    .option('--count <n>', 'stop after n events', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new InvalidArgumentError('must be a whole number ≥ 1.');
      return n;
    })
    .action(async (opts: { types?: string; count?: number }, cmd: Command) => {
      const c = cmd.optsWithGlobals() as Connection;
      const { out } = output(cmd);
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once('SIGINT', stop);
      let seen = 0;
      try {
        await streamEvents(
          c,
          opts.types,
          ({ event, data }) => {
            out(
              c.json
                ? `${JSON.stringify({ event, data })}\n`
                : `${describe(event, data as Record<string, unknown>)}\n`,
            );
            seen++;
            return opts.count === undefined || seen < opts.count;
          },
          abort.signal,
        );
      } finally {
        process.off('SIGINT', stop);
      }
    });
}
