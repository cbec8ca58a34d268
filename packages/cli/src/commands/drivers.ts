import type { Command } from 'commander';

/** Registers `chassis drivers ...` (not implemented yet). */
export function registerDriversCommands(program: Command): void {
  program.command('drivers').description('(not implemented yet)');
}
