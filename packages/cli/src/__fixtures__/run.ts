import { Writable } from 'node:stream';
import { runCli } from '../run.js';

/** A stream that keeps what is written to it, for reading a command's output. */
export function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

/** Runs `chassis <argv…>` in-process and returns its exit code and what it printed. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(argv, { stdout, stderr });
  return { code, out: stdout.text(), err: stderr.text() };
}
