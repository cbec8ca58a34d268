import { describe, expect, it } from 'vitest';
import { isTrustedDriver, resolveConfinement } from './confinement.js';
import { type ConfinementConfig, DEFAULT_KERNEL_CONFIG } from './kernel-config.js';

const base: ConfinementConfig = DEFAULT_KERNEL_CONFIG.confinement;

describe('isTrustedDriver', () => {
  it.each<{ trusted: string[]; id: string; expected: boolean }>([
    { trusted: [], id: 'com.example.x', expected: false },
    { trusted: ['com.example.x'], id: 'com.example.x', expected: true },
    { trusted: ['com.example.'], id: 'com.example.x', expected: true },
    { trusted: ['com.example'], id: 'com.examples.x', expected: false },
    { trusted: ['com.example.'], id: 'com.examples.x', expected: false },
    { trusted: ['com.example.x'], id: 'com.example.xy', expected: false },
    { trusted: ['*'], id: 'org.any', expected: true },
  ])('$trusted trusts $id: $expected', ({ trusted, id, expected }) => {
    expect(isTrustedDriver(trusted, id)).toBe(expected);
  });
});

describe('resolveConfinement', () => {
  it('defaults: untrusted, no environment, nothing granted, default limits', () => {
    expect(resolveConfinement(base, { id: 'com.example.x' })).toEqual({
      trusted: false,
      env: [],
      permissions: { childProcess: false, worker: false, addons: false, read: [] },
      refused: [],
      limits: { heapMb: 256, maxMessageBytes: 16 * 1024 * 1024 },
    });
  });

  it.each<{
    name: string;
    asked: Record<string, unknown>;
    grants?: Record<string, unknown>;
    granted: Record<string, unknown>;
    refused: string[];
  }>([
    {
      name: 'asked and granted',
      asked: { childProcess: true, worker: true, read: ['/etc/ssl/certs'] },
      grants: { childProcess: true, worker: true, read: ['/etc/ssl'] },
      granted: { childProcess: true, worker: true, addons: false, read: ['/etc/ssl/certs'] },
      refused: [],
    },
    {
      name: 'asked, not granted: each one named',
      asked: { childProcess: true, addons: true, read: ['/etc/ssl', '/var/x'] },
      grants: { read: ['/etc/ssl/certs'] },
      granted: { childProcess: false, worker: false, addons: false, read: [] },
      refused: ['childProcess', 'addons', 'read:/etc/ssl', 'read:/var/x'],
    },
    {
      name: 'granted, not asked: not given',
      asked: {},
      grants: { childProcess: true, read: ['/etc'] },
      granted: { childProcess: false, worker: false, addons: false, read: [] },
      refused: [],
    },
    {
      name: 'a prefix grant is a path prefix, not a string prefix',
      asked: { read: ['/etc/sslx'] },
      grants: { read: ['/etc/ssl/'] },
      granted: { childProcess: false, worker: false, addons: false, read: [] },
      refused: ['read:/etc/sslx'],
    },
  ])('$name', ({ asked, grants, granted, refused }) => {
    const config = { ...base, drivers: { 'com.x': grants ? { grants } : {} } };
    const r = resolveConfinement(config, { id: 'com.x', permissions: asked });
    expect(r.permissions).toEqual(granted);
    expect(r.refused).toEqual(refused);
  });

  it('merges the default and the per-driver allow-list, never CHASSIS_*; per-driver limits win', () => {
    const config: ConfinementConfig = {
      ...base,
      trusted: ['com.'],
      env: ['TZ', 'LANG'],
      drivers: {
        'com.x': { env: ['HTTPS_PROXY', 'TZ', 'CHASSIS_SECRET_KEY'], heapMb: 64 },
      },
    };
    const r = resolveConfinement(config, { id: 'com.x' });
    expect(r.trusted).toBe(true);
    expect(r.env).toEqual(['TZ', 'LANG', 'HTTPS_PROXY']);
    expect(r.limits).toEqual({ heapMb: 64, maxMessageBytes: base.maxMessageBytes });
  });
});
