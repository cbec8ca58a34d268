import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeTransportConformance } from '../__fixtures__/conformance.js';
import { tempDir } from '../__fixtures__/fake-repo.js';
import { startTestS3, type TestS3 } from '../__fixtures__/s3-server.js';
import { type RepositoryServer, serveRepository } from '../repo/serve.js';

describeTransportConformance('file folder', {
  start: async () => {},
  stop: async () => {},
  url: (repo) => repo,
  sync: async () => {},
  options: () => ({}),
});

let servers: RepositoryServer[] = [];
const byRepo = new Map<string, RepositoryServer>();
describeTransportConformance('http (serveRepository on 127.0.0.1)', {
  start: async () => {},
  stop: async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  },
  url: (repo) => byRepo.get(repo)!.url,
  sync: async (repo) => {
    if (byRepo.has(repo)) return;
    const server = await serveRepository(repo, { port: 0 });
    servers.push(server);
    byRepo.set(repo, server);
  },
  options: () => ({ timeoutMs: 5_000 }),
});

let s3: TestS3 | undefined;
describeTransportConformance('s3 (s3rver on 127.0.0.1)', {
  start: async () => {
    s3 = await startTestS3();
  },
  stop: async () => {
    await s3?.close();
  },
  url: () => `s3://${s3!.bucket}/drivers/`,
  sync: (repo) => s3!.sync(repo, 'drivers/'),
  options: () => ({ s3: { ...s3!.options, timeoutMs: 5_000 } }),
});

describe('serveRepository', () => {
  it('serves only repository files and survives malformed requests', async () => {
    const { dir, cleanup } = await tempDir();
    const server = await serveRepository(dir);
    try {
      await writeFile(join(dir, 'secret.txt'), 'x');
      await writeFile(join(dir, 'timestamp.json'), '{}');
      expect((await fetch(`${server.url}timestamp.json`)).status).toBe(200);
      expect((await fetch(`${server.url}secret.txt`)).status).toBe(404);
      expect((await fetch(`${server.url}%E0%A4%A`)).status).toBe(404);
      expect((await fetch(`${server.url}..%2Fetc%2Fpasswd`)).status).toBe(404);
      expect((await fetch(`${server.url}timestamp.json`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
      await cleanup();
    }
  });
});
