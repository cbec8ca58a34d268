import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../__fixtures__/run.js';
import { ExitCode } from '../run.js';

/** Heavy packages in the order something first imported them. */
const loaded = vi.hoisted((): string[] => []);

vi.mock('@chassis/repository', async (original) => {
  loaded.push('@chassis/repository');
  return original();
});
vi.mock('@chassis/car', async (original) => {
  loaded.push('@chassis/car');
  return original();
});
vi.mock('@chassis/kernel', async (original) => {
  loaded.push('@chassis/kernel');
  return original();
});

describe('startup imports', () => {
  // One test, in order: the module cache makes "not loaded yet" a one-way fact.
  it('help, version and usage errors load no heavy package; an action loads what it needs', async () => {
    for (const argv of [
      ['--version'],
      ['--help'],
      ['drivers', '--help'],
      ['resources', 'list', '--help'],
      ['ca', 'revoke', '--help'],
      ['repo', 'mirror', '--help'],
      ['car', 'sign', '--help'],
      ['events', '--help'],
    ]) {
      expect((await run(...argv)).code, argv.join(' ')).toBe(ExitCode.ok);
    }
    // Neither --cert nor --serial: CHASSIS_E_CLI_USAGE, a usage error, so exit 2.
    expect((await run('ca', 'revoke', '--ca', 'x')).code).toBe(ExitCode.usage);
    expect((await run('drivers', 'nope')).code).toBe(ExitCode.usage);
    expect(loaded).toEqual([]);

    const dir = await mkdtemp(join(tmpdir(), 'chassis-cli-lazy-'));
    try {
      const inspected = await run('car', 'inspect', join(dir, 'missing.car'));
      expect(inspected.code).toBe(ExitCode.failed);
      expect(loaded).toContain('@chassis/car');
      expect(loaded).not.toContain('@chassis/repository');
      const revoked = await run('ca', 'revoke', '--ca', dir, '--serial', '01');
      expect(revoked.code).toBe(ExitCode.failed);
      expect(loaded).toContain('@chassis/repository');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
