#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './run.js';

// `chassis … | head` closes the pipe early: that is the reader's choice, not a failure, so the
// CLI stops quietly instead of printing an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
