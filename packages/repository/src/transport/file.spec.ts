import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkSize, FileTransport } from './file.js';
import { isNotFound } from './transport.js';

describe('chunkSize', () => {
  it.each([
    [0, 64 * 1024],
    [1_000, 64 * 1024],
    [200 * 1024, 200 * 1024],
    [1024 * 1024, 1024 * 1024],
    [5 * 1024 * 1024, 1024 * 1024],
  ])('a %i-byte file is read %i bytes at a time', (size, chunk) => {
    expect(chunkSize(size)).toBe(chunk);
  });
});

describe('FileTransport', () => {
  let dir: string;
  let transport: FileTransport;
  const url = (name: string) => pathToFileURL(join(dir, name)).href;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chassis-file-transport-'));
    await writeFile(join(dir, 'a.json'), '{}');
    await symlink('loop.json', join(dir, 'loop.json'));
    transport = new FileTransport(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a present file', async () => {
    expect((await transport.downloadBytes(url('a.json'), 100)).toString()).toBe('{}');
  });

  it('a missing file is "not found" (what TUF takes for "no newer version")', async () => {
    expect(isNotFound(await transport.downloadBytes(url('b.json'), 100).catch((e) => e))).toBe(
      true,
    );
  });

  it('a file that exists but cannot be checked is a typed error, not a 404', async () => {
    const err = await transport.downloadBytes(url('loop.json'), 100).catch((e) => e);
    expect(isNotFound(err)).toBe(false);
    expect(err).toMatchObject({
      code: 'CHASSIS_E_REPO_STATE_UNREADABLE',
      details: { file: join(dir, 'loop.json') },
    });
  });
});
