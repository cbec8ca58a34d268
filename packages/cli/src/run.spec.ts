import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './__fixtures__/run.js';
import { ExitCode } from './run.js';

const down = ['--url', 'http://127.0.0.1:1', '--token', 't'];

describe('CLI hygiene', () => {
  it('reports a bad --url as a usage error naming the value (exit 2), not CHASSIS_E_INTERNAL', async () => {
    const bad = await run('drivers', 'list', '--url', 'notaurl');
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.err).toContain('"notaurl" is not a URL');
    expect(bad.err).not.toContain('CHASSIS_E_INTERNAL');
    const ftp = await run('drivers', 'list', '--url', 'ftp://127.0.0.1/');
    expect([ftp.code, ftp.err.includes('http:// or https://')]).toEqual([ExitCode.usage, true]);
  });

  it('prints --json errors without stack traces unless --debug', async () => {
    const plain = await run('drivers', 'list', ...down, '--json');
    expect(plain.code).toBe(ExitCode.failed);
    const body = JSON.parse(plain.err) as { error: { code: string; stack?: string } };
    expect(body.error.code).toBe('CHASSIS_E_CLI_UNREACHABLE');
    expect(plain.err).not.toContain('"stack"');
    const debug = await run('drivers', 'list', ...down, '--json', '--debug');
    expect(JSON.parse(debug.err).error.stack).toMatch(/CHASSIS_E_CLI_UNREACHABLE|Error/);
    const text = await run('drivers', 'list', ...down, '--debug');
    expect(text.err).toMatch(/^CHASSIS_E_CLI_UNREACHABLE: [^\n]*\n\s*\S*Error[\s\S]*\n\s+at /);
  });

  it("shows the server's typed cause chain (a failed canary's health check), in text and --json", async () => {
    const failure = {
      code: 'CHASSIS_E_CLUSTER_ROLLOUT_FAILED',
      message: 'Cluster rollout r1 of d 1 → 2 failed: step 1 failed on member b (k1)',
      details: { rollout: 'r1', member: 'b' },
      cause: {
        name: 'ChassisError',
        code: 'CHASSIS_E_UPGRADE_HEALTH_FAILED',
        message: 'd@2 reported unhealthy: array degraded',
        details: { driver: 'd', member: 'b', resources: ['k1'] },
      },
    };
    const server = createServer((_req, res) => {
      res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify(failure));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const args = ['drivers', 'upgrade', 'd', '--version', '2', '--url', url, '--token', 't'];
      const text = await run(...args);
      expect(text.code).toBe(ExitCode.failed);
      expect(text.err).toBe(
        `CHASSIS_E_CLUSTER_ROLLOUT_FAILED: ${failure.message}\n  caused by CHASSIS_E_UPGRADE_HEALTH_FAILED: d@2 reported unhealthy: array degraded\n`,
      );
      const json = JSON.parse((await run(...args, '--json')).err) as {
        error: { code: string; cause?: { code: string; details: Record<string, unknown> } };
      };
      expect(json.error.code).toBe('CHASSIS_E_CLUSTER_ROLLOUT_FAILED');
      expect(json.error.cause?.code).toBe('CHASSIS_E_UPGRADE_HEALTH_FAILED');
      expect(json.error.cause?.details).toEqual({ driver: 'd', member: 'b', resources: ['k1'] });
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });

  it('explains a registered error code and refuses an unknown one with exit 2', async () => {
    const ok = await run('explain', 'chassis_e_cli_usage');
    expect([ok.code, ok.out]).toEqual([
      ExitCode.ok,
      'CHASSIS_E_CLI_USAGE (HTTP 400)\n  The command line is invalid\n  what to do: Read the message, then `chassis <command> --help` for the arguments and options.\n',
    ]);
    const json = await run('explain', 'CHASSIS_E_CLI_UNREACHABLE', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ code: 'CHASSIS_E_CLI_UNREACHABLE', status: 502 });
    const near = await run('explain', 'UNREACHABLE');
    expect(near.code).toBe(ExitCode.usage);
    expect(near.err).toMatch(/did you mean [^?]*CHASSIS_E_CLI_UNREACHABLE/);
  });

  it('prints bash/zsh completion that completes sub-commands and options (checked in bash)', async () => {
    const script = await run('completion', 'bash');
    expect(script.code).toBe(ExitCode.ok);
    const complete = (line: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const words = line.split(' ');
        const child = spawn('bash', [
          '-c',
          `${script.out}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _chassis_complete; echo "\${COMPREPLY[*]}"`,
        ]);
        let out = '';
        child.stdout.on('data', (c) => {
          out += String(c);
        });
        child.on('error', reject);
        child.on('close', () => resolve(out.trim()));
      });
    expect((await complete('chassis dri')).split(' ')).toEqual(['drivers']);
    expect((await complete('chassis drivers upg')).split(' ')).toEqual(['upgrade']);
    expect((await complete('chassis drivers up')).split(' ')).toEqual(['updates', 'upgrade']);
    expect((await complete('chassis drivers upgrade x --ver')).split(' ')).toEqual(['--version']);
    expect((await run('completion', 'zsh')).out).toMatch(/^#compdef chassis/);
    expect((await run('completion', 'fish')).code).toBe(ExitCode.usage);
  });

  it('exits quietly (0, nothing on stderr) when stdout is a closed pipe', async () => {
    const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
    const child = spawn(process.execPath, [bin, 'explain', 'CHASSIS_E_CLI_USAGE'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closing our end before the child writes is what `| head -c0` does.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += String(c);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect([code, stderr]).toEqual([0, '']);
  });
});
