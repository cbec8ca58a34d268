import type { Command } from 'commander';

/** Registers `chassis repo ...` (not implemented yet). */
export function registerRepoCommands(program: Command): void {
  program.command('repo').description('(not implemented yet)');
}
