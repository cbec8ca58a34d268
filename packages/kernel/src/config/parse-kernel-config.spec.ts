import { describe, expect, it } from 'vitest';
import { ChassisError } from '../errors/chassis-error.js';
import { DEFAULT_KERNEL_CONFIG, type KernelConfig } from './kernel-config.js';
import {
  type ConfigViolation,
  parseKernelConfig,
  validateKernelConfig,
} from './parse-kernel-config.js';

function failure(fn: () => unknown): ChassisError {
  try {
    fn();
  } catch (err) {
    if (ChassisError.is(err)) return err;
    throw err;
  }
  throw new Error('expected a ChassisError');
}

const yaml = (text: string) => parseKernelConfig(text, 'yaml', 'chassis.yaml');

describe('parseKernelConfig: valid input', () => {
  it.each<{ name: string; text: string; format: 'yaml' | 'json'; expected: KernelConfig }>([
    {
      name: 'empty YAML is all defaults',
      text: '',
      format: 'yaml',
      expected: DEFAULT_KERNEL_CONFIG,
    },
    { name: 'YAML null document', text: '~\n', format: 'yaml', expected: DEFAULT_KERNEL_CONFIG },
    { name: 'empty JSON object', text: '{}', format: 'json', expected: DEFAULT_KERNEL_CONFIG },
    {
      name: 'partial sections keep the other defaults',
      text: 'lifecycle:\n  startTimeoutMs: 5000\nexecutor:\n  concurrency: 2\n',
      format: 'yaml',
      expected: {
        ...DEFAULT_KERNEL_CONFIG,
        lifecycle: { startTimeoutMs: 5000, stopTimeoutMs: 10_000 },
        executor: { concurrency: 2, queueLimit: 1000, callTimeoutMs: 30_000 },
      },
    },
    {
      name: 'every field, JSON',
      text: JSON.stringify({
        categories: { backup: 3, object: 1.5 },
        lifecycle: { startTimeoutMs: 1, stopTimeoutMs: 2 },
        isolation: { default: 'process', overrides: { 'com.example.solidfire': 'in-process' } },
        executor: { concurrency: 1, queueLimit: 5, callTimeoutMs: 100 },
        log: { level: 'debug' },
        restartLimits: { maxAttempts: 0, healthyAfterMs: 5 },
      }),
      format: 'json',
      expected: {
        categories: { backup: 3, object: 1.5 },
        lifecycle: { startTimeoutMs: 1, stopTimeoutMs: 2 },
        isolation: { default: 'process', overrides: { 'com.example.solidfire': 'in-process' } },
        executor: { concurrency: 1, queueLimit: 5, callTimeoutMs: 100 },
        log: { level: 'debug' },
        restartLimits: { maxAttempts: 0, healthyAfterMs: 5 },
        confinement: DEFAULT_KERNEL_CONFIG.confinement,
      },
    },
    {
      name: 'isolation override only',
      text: 'isolation:\n  overrides:\n    com.example.nvp: process\n',
      format: 'yaml',
      expected: {
        ...DEFAULT_KERNEL_CONFIG,
        isolation: { default: 'worker', overrides: { 'com.example.nvp': 'process' } },
      },
    },
  ])('$name', ({ text, format, expected }) => {
    const config = parseKernelConfig(text, format);
    expect(config).toEqual(expected);
    expect(Object.isFrozen(config.lifecycle)).toBe(true);
  });

  it('never writes defaults into the caller object', () => {
    const input = { log: {} };
    expect(validateKernelConfig(input).log.level).toBe('info');
    expect(input).toEqual({ log: {} });
    expect(validateKernelConfig(undefined)).toEqual(DEFAULT_KERNEL_CONFIG);
  });

  it('does not share default objects between results', () => {
    const a = parseKernelConfig('{}', 'json');
    const b = parseKernelConfig('{}', 'json');
    expect(a.isolation.overrides).not.toBe(b.isolation.overrides);
  });
});

describe('parseKernelConfig: invalid data', () => {
  it.each<{ name: string; text: string; violations: ConfigViolation['path'][] }>([
    { name: 'a list at the root', text: '- a\n- b\n', violations: [''] },
    { name: 'a scalar at the root', text: 'hello\n', violations: [''] },
    { name: 'unknown top-level key', text: 'lifecycel: {}\n', violations: ['/lifecycel'] },
    {
      name: 'misspelt nested key',
      text: 'lifecycle:\n  startTimeoutMS: 5\n',
      violations: ['/lifecycle/startTimeoutMS'],
    },
    {
      name: 'string timeout',
      text: 'lifecycle:\n  stopTimeoutMs: "10s"\n',
      violations: ['/lifecycle/stopTimeoutMs'],
    },
    {
      name: 'zero concurrency',
      text: 'executor:\n  concurrency: 0\n',
      violations: ['/executor/concurrency'],
    },
    {
      name: 'fractional queue limit',
      text: 'executor:\n  queueLimit: 1.5\n',
      violations: ['/executor/queueLimit'],
    },
    {
      name: 'unknown isolation tier',
      text: 'isolation:\n  default: vm\n',
      violations: ['/isolation/default'],
    },
    {
      name: 'unknown tier in an override',
      text: 'isolation:\n  overrides:\n    com.example.x: container\n',
      violations: ['/isolation/overrides/com.example.x'],
    },
    {
      name: 'bad driver id in an override',
      text: 'isolation:\n  overrides:\n    "a/b": worker\n',
      violations: ['/isolation/overrides/a~1b'],
    },
    {
      name: 'bad category name',
      text: 'categories:\n  Backup: 3\n',
      violations: ['/categories/Backup'],
    },
    {
      name: 'category rank not a number',
      text: 'categories:\n  backup: high\n',
      violations: ['/categories/backup'],
    },
    { name: 'unknown log level', text: 'log:\n  level: verbose\n', violations: ['/log/level'] },
    {
      name: 'a host secret in the environment allow-list',
      text: 'confinement:\n  env: [TZ, CHASSIS_SECRET_KEY]\n',
      violations: ['/confinement/env/1'],
    },
    {
      name: 'an unknown permission grant',
      text: 'confinement:\n  drivers:\n    com.x:\n      grants: { network: true }\n',
      violations: ['/confinement/drivers/com.x/grants/network'],
    },
    { name: 'section not an object', text: 'log: info\n', violations: ['/log'] },
    { name: 'merge keys are just unknown keys', text: '<<: {}\n', violations: ['/<<'] },
    {
      name: 'all problems at once',
      text: 'lifecycle:\n  startTimeoutMs: -1\nexecutor:\n  concurrency: many\nlog:\n  level: loud\nextra: 1\n',
      violations: ['/lifecycle/startTimeoutMs', '/executor/concurrency', '/log/level', '/extra'],
    },
  ])('$name', ({ text, violations }) => {
    const err = failure(() => yaml(text));
    expect(err.code).toBe('CHASSIS_E_CONFIG_INVALID');
    const got = (err.details.violations as ConfigViolation[]).map((v) => v.path);
    expect([...got].sort()).toEqual([...violations].sort());
    expect(err.details.source).toBe('chassis.yaml');
    expect(err.message).toContain('chassis.yaml');
  });

  it('explains enum violations with the allowed values', () => {
    const err = failure(() => yaml('log:\n  level: loud\n'));
    expect((err.details.violations as ConfigViolation[])[0].message).toContain('warn');
  });
});

describe('parseKernelConfig: unparsable text', () => {
  it.each<{ name: string; text: string; format: 'yaml' | 'json' }>([
    { name: 'broken JSON', text: '{"log": ', format: 'json' },
    { name: 'empty JSON', text: '', format: 'json' },
    { name: 'broken YAML', text: 'log: [\n', format: 'yaml' },
    { name: 'duplicate YAML key', text: 'log: {}\nlog: {}\n', format: 'yaml' },
    { name: 'YAML anchor and alias', text: 'a: &x {level: info}\nlog: *x\n', format: 'yaml' },
    { name: 'YAML anchor alone', text: 'log: &x {level: info}\n', format: 'yaml' },
    { name: 'YAML alias without anchor', text: 'log: *x\n', format: 'yaml' },
    { name: 'two YAML documents', text: 'log: {}\n---\nlog: {}\n', format: 'yaml' },
    { name: 'YAML code tag', text: 'log: !!js/function "function () {}"\n', format: 'yaml' },
  ])('$name', ({ text, format }) => {
    const err = failure(() => parseKernelConfig(text, format, 'kernel.conf'));
    expect(err.code).toBe('CHASSIS_E_CONFIG_PARSE');
    expect(err.message).toContain('kernel.conf');
  });

  it('names the anchors it refused', () => {
    const err = failure(() => yaml('log: &shared {level: info}\n'));
    expect(err.details.anchors).toEqual([{ anchor: 'shared', line: 1 }]);
  });
});
