import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChassisError } from '@chassis/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigProblem, loadServerConfig } from './load.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chassis-server-config-'));
  await writeFile(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

async function problemsOf(p: Promise<unknown>): Promise<ConfigProblem[]> {
  try {
    await p;
  } catch (err) {
    expect((err as ChassisError).code).toBe('CHASSIS_E_SERVER_CONFIG_INVALID');
    return (err as ChassisError).details?.problems as ConfigProblem[];
  }
  throw new Error('expected CHASSIS_E_SERVER_CONFIG_INVALID');
}

describe('loadServerConfig', () => {
  it('resolves a good file: paths relative to the file, defaults filled in', async () => {
    const file = await configFile(
      'good.yaml',
      [
        'dataDir: data',
        'sources: [cars, "s3://bucket/cars"]',
        's3: { endpoint: "http://127.0.0.1:9000", region: eu-west-1, forcePathStyle: true }',
        'trust: { ca: ca.pem, allowUnsigned: [com.example.nvp] }',
        'admin: { port: 0 }',
        'kernel: { lifecycle: { startTimeoutMs: 5000 } }',
      ].join('\n'),
    );
    const s = await loadServerConfig({ flags: { config: file }, cwd: '/elsewhere' });
    expect(s.dataDir).toBe(join(dir, 'data'));
    expect(s.sources).toEqual([join(dir, 'cars'), 's3://bucket/cars']);
    expect(s.s3?.region).toBe('eu-west-1');
    expect(s.trust).toEqual({ ca: join(dir, 'ca.pem'), allowUnsigned: ['com.example.nvp'] });
    expect(s.admin).toEqual({ port: 0, host: '127.0.0.1', tokens: [] });
    expect(s.kernel.lifecycle.startTimeoutMs).toBe(5000);
    expect(s.logLevel).toBe('warn');
  });

  it('lists every problem at once, each with its source, field path and what to do', async () => {
    const file = await configFile(
      'bad.yaml',
      [
        'dataDir: ""',
        'logLevl: info',
        'admin: { port: 70000, tokens: [{ token: short, role: root }] }',
        'trust: { revocations: revoked.json }',
        's3: { endpoint: "minio:9000" }',
        'kernel: { lifecycle: { startTimeoutMs: -1 } }',
      ].join('\n'),
    );
    const problems = await problemsOf(loadServerConfig({ flags: { config: file } }));
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'admin.port',
        'admin.tokens.0.role',
        'admin.tokens.0.token',
        'dataDir',
        'kernel.lifecycle.startTimeoutMs',
        'logLevl',
        's3.endpoint',
        'trust.revocations',
      ].sort(),
    );
    expect(byPath.logLevl).toMatch(/unknown field.*logLevel/);
    expect(byPath['admin.tokens.0.role']).toMatch(/admin, operator, viewer/);
    expect(problems.every((p) => p.source === file)).toBe(true);
  });

  it('flags win over the environment, which wins over the file; a bad flag names itself', async () => {
    const file = await configFile('layered.yaml', 'dataDir: from-file\nlogLevel: error\n');
    const s = await loadServerConfig({
      flags: { config: file, 'data-dir': '/from/flag' },
      env: { CHASSIS_DATA_DIR: '/from/env', CHASSIS_LOG_LEVEL: 'info' },
    });
    expect(s.dataDir).toBe('/from/flag');
    expect(s.logLevel).toBe('info');
    const problems = await problemsOf(
      loadServerConfig({
        flags: { config: file, 'admin-port': 'eighty' },
        env: { CHASSIS_LOG_LEVEL: 'loud' },
      }),
    );
    expect(problems.map((p) => [p.source, p.path])).toEqual([
      ['CHASSIS_LOG_LEVEL', 'logLevel'],
      ['--admin-port', 'admin.port'],
    ]);
  });

  it('refuses a file that is not there, is not YAML, or is not a mapping', async () => {
    for (const [name, text] of [
      ['not-yaml.yaml', 'a: [1,'],
      ['list.yaml', '- 1\n- 2\n'],
    ] as const) {
      const file = await configFile(name, text);
      const [p] = await problemsOf(loadServerConfig({ flags: { config: file } }));
      expect(p).toMatchObject({ source: file, path: '' });
    }
    const [p] = await problemsOf(
      loadServerConfig({ env: { CHASSIS_SERVER_CONFIG: join(dir, 'none.yaml') } }),
    );
    expect(p?.message).toMatch(/ENOENT/);
  });
});
