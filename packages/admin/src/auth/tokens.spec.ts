import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE, createAuthenticator, loadOrCreateAdminToken } from './tokens.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'admin-token-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('admin token', () => {
  it('is generated once with mode 0600, printed once, and read back later', async () => {
    const printed: string[] = [];
    const auth = createAuthenticator({ dataDir: dir, print: (l) => printed.push(l) });
    expect(printed).toHaveLength(1);
    const file = path.join(dir, ADMIN_TOKEN_FILE);
    const token = (await readFile(file, 'utf8')).trim();
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(printed[0]).toContain(token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await expect(auth(token)).resolves.toEqual({ id: 'admin', roles: ['admin'] });
    await expect(auth(`${token}x`)).resolves.toBeUndefined();
    const again = createAuthenticator({ dataDir: dir, print: (l) => printed.push(l) });
    expect(printed).toHaveLength(1);
    await expect(again(token)).resolves.toMatchObject({ id: 'admin' });
  });

  it('keeps a configured token file and generates distinct tokens per directory', async () => {
    await writeFile(path.join(dir, ADMIN_TOKEN_FILE), 'configured-token-123456\n', { mode: 0o600 });
    expect(loadOrCreateAdminToken(dir)).toMatchObject({
      token: 'configured-token-123456',
      created: false,
    });
    const other = await mkdtemp(path.join(tmpdir(), 'admin-token-'));
    try {
      expect(loadOrCreateAdminToken(other).token).not.toBe('configured-token-123456');
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('refuses to run without any way to authenticate', () => {
    expect(() => createAuthenticator({})).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_AUTH_REQUIRED' }),
    );
  });

  it('falls back to a custom authenticate function for unknown tokens', async () => {
    const auth = createAuthenticator({
      tokens: { known: { id: 'k', roles: ['viewer'] } },
      authenticate: (t) => (t === 'sso' ? { id: 'sso-user', roles: ['operator'] } : undefined),
    });
    await expect(auth('known')).resolves.toMatchObject({ id: 'k' });
    await expect(auth('sso')).resolves.toMatchObject({ id: 'sso-user' });
    await expect(auth('nope')).resolves.toBeUndefined();
  });
});
