/** Public API of `@chassis/cli`: the program factory and an in-process runner for tests. */
export { createProgram } from './program.js';
export { ExitCode, runCli } from './run.js';
