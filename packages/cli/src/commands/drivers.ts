import type { Command } from 'commander';
import { registerDriverMutationCommands } from './drivers-mutate.js';
import { registerDriverReadCommands } from './drivers-read.js';
import { registerResourcesCommands } from './resources.js';

export { parseAssignments } from './drivers-assignments.js';

/** Registers `chassis drivers ...` and `chassis resources ...`: the admin API from the shell. */
export function registerDriversCommands(program: Command): void {
  // The root's `--version` would otherwise swallow `drivers install|upgrade --version <v>`:
  // with positional options, root options are only read before the sub-command name.
  program.enablePositionalOptions();
  const drivers = program
    .command('drivers')
    .description('Inspect and manage the drivers of a management server');
  // Registration order is the order `chassis drivers --help` lists the sub-commands in.
  registerDriverReadCommands(drivers);
  registerDriverMutationCommands(drivers);
  registerResourcesCommands(program);
}
