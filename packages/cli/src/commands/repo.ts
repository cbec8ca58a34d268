import type { Command } from 'commander';
import { registerRepoBrowseCommands } from './repo-browse.js';
import { registerRepoMirrorCommands } from './repo-mirror.js';
import { registerRepoPublishCommands } from './repo-publish.js';

/** Registers `chassis repo ...`: TUF driver repositories, mirrors and bundles. */
export function registerRepoCommands(program: Command): void {
  const repo = program
    .command('repo')
    .description('Signed driver repositories (TUF): create, publish, search, mirror, export');

  // Registration order is the order `chassis repo --help` lists the sub-commands in.
  registerRepoPublishCommands(repo);
  registerRepoBrowseCommands(repo);
  registerRepoMirrorCommands(repo);
}
