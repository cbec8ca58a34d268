import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startExampleServer } from '@chassis/example-management-server';
import { parseKernelConfig } from '@chassis/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Operators configure the kernel with data (YAML/JSON), never DI wiring: the example server's
 * `--config` file is validated as a whole and applied (isolation tier overrides, timeouts).
 */
const MAIN = fileURLToPath(new URL('../examples/management-server/dist/main.js', import.meta.url));

function run(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.js did not exit within 15 s: ${stderr}`));
    }, 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('kernel configuration as data', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chassis-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('applies isolation overrides from a YAML file', async () => {
    const config = parseKernelConfig(
      'isolation:\n  overrides:\n    com.example.solidfire: in-process\n    com.example.kvm: process\n',
      'yaml',
      'test.yaml',
    );
    const ex = await startExampleServer({
      dataDir: join(dir, 'data'),
      fresh: true,
      config,
      print: () => {},
    });
    try {
      const tier = (id: string) => ex.runtime.getDriver(id).versions[0]?.tier;
      expect([
        tier('com.example.nvp'),
        tier('com.example.solidfire'),
        tier('com.example.kvm'),
      ]).toEqual(['process', 'in-process', 'process']);
    } finally {
      await ex.stop();
    }
  });

  it('refuses an invalid file with every problem and starts nothing', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      'lifecycle:\n  startTimeoutMs: -5\nisolation:\n  default: sandbox\nbogus: 1\n',
    );
    const { code, stderr } = await run(['--config', bad, '--data-dir', join(dir, 'bad-data')]);
    expect(code).toBe(1);
    expect(stderr).toContain('CHASSIS_E_CONFIG_INVALID');
    for (const path of ['/bogus', '/lifecycle/startTimeoutMs', '/isolation/default'])
      expect(stderr).toContain(path);
  });

  it('reports a missing or unparsable file with CHASSIS_E_CONFIG_PARSE', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "lifecycle": ');
    for (const file of [broken, join(dir, 'missing.yaml')]) {
      const { code, stderr } = await run(['--config', file, '--data-dir', join(dir, 'x')]);
      expect(code).toBe(1);
      expect(stderr).toContain('CHASSIS_E_CONFIG_PARSE');
    }
  });
});
