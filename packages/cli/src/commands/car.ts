import type { Command } from 'commander';

/** Registers `chassis car ...` (not implemented yet). */
export function registerCarCommands(program: Command): void {
  program.command('car').description('(not implemented yet)');
}
