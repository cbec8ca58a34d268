import { Command } from 'commander';
import { registerCaCommands } from './commands/ca.js';
import { registerCarCommands } from './commands/car.js';
import { registerCatalogCommands } from './commands/catalog.js';
import { registerClusterCommands } from './commands/cluster.js';
import { registerCompletionCommand } from './commands/completion.js';
import { registerDevCommand } from './commands/dev.js';
import { registerDriversCommands } from './commands/drivers.js';
import { registerEventsCommand } from './commands/events.js';
import { registerExplainCommand } from './commands/explain.js';
import { registerRepoCommands } from './commands/repo.js';
import { registerSignCommand } from './commands/sign.js';
import { registerUpgradesCommands } from './commands/upgrades.js';

/** Builds the `chassis` command tree. Each area registers its own sub-commands. */
export function createProgram(): Command {
  const program = new Command('chassis')
    .description('Chassis: driver archives, repositories and management-server administration')
    .version('0.1.0')
    .option('--debug', 'print stack traces with errors')
    .showHelpAfterError();
  registerCarCommands(program);
  registerDevCommand(program);
  registerSignCommand(program);
  registerCaCommands(program);
  registerRepoCommands(program);
  registerDriversCommands(program);
  registerUpgradesCommands(program);
  registerCatalogCommands(program);
  registerEventsCommand(program);
  registerClusterCommands(program);
  registerExplainCommand(program);
  registerCompletionCommand(program);
  return program;
}
