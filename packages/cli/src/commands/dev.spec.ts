import { describe, expect, it } from 'vitest';
import { resolveOperation } from './dev-operation.js';
import { devVersion, withVersion } from './dev-project.js';
import { parseCallArgs } from './dev-prompt.js';

describe('devVersion: every rebuild is a newer version the upgrade path accepts', () => {
  it.each([
    ['0.1.0', 1, '0.1.0-dev.1'],
    ['0.1.0', 12, '0.1.0-dev.12'],
    ['1.0.0-beta.1', 3, '1.0.0-beta.1.dev.3'],
    ['2.0.0+build.7', 2, '2.0.0-dev.2'],
  ])('%s, build %i → %s', (base, n, expected) => {
    expect(devVersion(base, n)).toBe(expected);
  });
});

describe('withVersion: driver.yaml with the dev version', () => {
  it.each([
    ['id: a\nversion: 0.1.0\nname: x\n', 'id: a\nversion: 0.1.0-dev.1\nname: x\n'],
    ['version: "0.1.0" # semver\n', 'version: "0.1.0-dev.1" # semver\n'],
    ["version: '0.1.0'\n", "version: '0.1.0-dev.1'\n"],
    // Only the top-level key: a property called version stays.
    [
      'properties:\n  - key: version\nversion: 0.1.0\n',
      'properties:\n  - key: version\nversion: 0.1.0-dev.1\n',
    ],
  ])('%j', (input, expected) => {
    expect(withVersion(input, '0.1.0-dev.1')).toBe(expected);
  });

  it('refuses a descriptor without a version line, typed', () => {
    expect(() => withVersion('id: a\n', '1.0.0-dev.1')).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_CAR_DESCRIPTOR_INVALID' }),
    );
  });
});

describe('parseCallArgs: chassis dev call <operation> [json]', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['[]', []],
    ['"host-1"', ['host-1']],
    ['{"sizeBytes":1}', [{ sizeBytes: 1 }]],
    ['["vol-1", 2048]', ['vol-1', 2048]],
    ['[["dhcp"]]', [['dhcp']]],
    ['true', [true]],
  ])('%j → %j', (json, args) => {
    expect(parseCallArgs(json)).toEqual(args);
  });

  it('refuses what is not JSON as a usage error', () => {
    expect(() => parseCallArgs('host-1')).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_CLI_USAGE' }),
    );
  });
});

describe('runPrompt: the dev> prompt', () => {
  it('calls operations line by line, reports bad input, and ends on exit', async () => {
    const { PassThrough } = await import('node:stream');
    const { runPrompt } = await import('./dev-prompt.js');
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => {
      text += d.toString('utf8');
    });
    const calls: [string, readonly unknown[]][] = [];
    const done = runPrompt(
      {
        call: async (operation, args) => {
          calls.push([operation, args]);
          return {
            ok: true,
            resource: 'dev-1',
            driver: 'com.example.d',
            version: '0.1.0-dev.1',
            operation: `storage.primary.${operation}`,
            result: { n: 1 },
            durationMs: 1,
          };
        },
        rebuild: async () => {},
        version: () => '0.1.0-dev.1',
      },
      input,
      output,
    );
    input.write('capabilities\n');
    input.write('hostStats "h-1"\n');
    input.write('createVolume {bad\n');
    input.write('status\n');
    input.write('exit\n');
    await done;
    expect(calls).toEqual([
      ['capabilities', []],
      ['hostStats', ['h-1']],
    ]);
    expect(text).toMatch(/→ com\.example\.d@0\.1\.0-dev\.1 storage\.primary\.capabilities/);
    expect(text).toMatch(/CHASSIS_E_CLI_USAGE: The arguments must be JSON/);
    expect(text).toMatch(/serving 0\.1\.0-dev\.1/);
  });
});

describe('resolveOperation: which point.method a call means', () => {
  const one = ['storage.primary'];
  const two = ['storage.primary', 'storage.backup'];
  it.each([
    ['capabilities', one, { point: 'storage.primary', method: 'capabilities' }],
    ['storage.primary.stats', one, { point: 'storage.primary', method: 'stats' }],
    ['storage.backup.stats', two, { point: 'storage.backup', method: 'stats' }],
    ['hostStats', ['hypervisor'], { point: 'hypervisor', method: 'hostStats' }],
  ])('%s of %j', (op, provided, expected) => {
    expect(resolveOperation(op, provided, 'd')).toEqual(expected);
  });

  it.each([
    ['stats', two],
    ['network.device.provider', one],
    ['', one],
  ])('refuses %j of %j as a usage error', (op, provided) => {
    expect(() => resolveOperation(op, provided, 'd')).toThrow(
      expect.objectContaining({ code: 'CHASSIS_E_CLI_USAGE' }),
    );
  });
});
