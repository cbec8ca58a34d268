import type { Command } from 'commander';

/** Registers `chassis ca ...` (not implemented yet). */
export function registerCaCommands(program: Command): void {
  program.command('ca').description('(not implemented yet)');
}
