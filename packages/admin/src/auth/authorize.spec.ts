import type { Principal } from '@chassis/runtime';
import { describe, expect, it } from 'vitest';
import { AuditLog, authorizeOperations, roleBasedAuthorize } from './authorize.js';

const p = (...roles: string[]): Principal => ({ id: roles.join('+') || 'nobody', roles });

describe('roleBasedAuthorize', () => {
  it.each([
    [['admin'], 'drivers.uninstall', true],
    [['admin'], 'audit.read', true],
    [['operator'], 'drivers.read', true],
    [['operator'], 'drivers.upgrade', true],
    [['operator'], 'drivers.rollback', true],
    [['operator'], 'drivers.restart', true],
    [['operator'], 'resources.configure', true],
    [['operator'], 'drivers.install', false],
    [['operator'], 'drivers.uninstall', false],
    [['operator'], 'resources.create', false],
    [['operator'], 'audit.read', false],
    [['operator'], 'operation:createVolume', true],
    [['viewer'], 'drivers.read', true],
    [['viewer'], 'events.read', true],
    [['viewer'], 'resources.configure', false],
    [['viewer'], 'operation:createVolume', false],
    [['viewer'], 'audit.read', false],
    [[], 'drivers.read', false],
    [['root'], 'drivers.read', false],
  ] as const)('%j %s → %s', (roles, action, expected) => {
    expect(roleBasedAuthorize(p(...roles), action, { kind: 'system' })).toBe(expected);
  });
});

describe('authorizeOperations', () => {
  const facade = {
    calls: [] as string[],
    async createVolume(resourceId: string, size: number) {
      this.calls.push(`${resourceId}:${size}`);
      return 'vol-1';
    },
  };

  it('lets allowed calls through with their arguments and result', async () => {
    const wrapped = authorizeOperations(facade, { principal: p('operator') });
    await expect(wrapped.createVolume('pool-1', 10)).resolves.toBe('vol-1');
    expect(facade.calls).toEqual(['pool-1:10']);
  });

  it('denies without calling the method, audits, and names the target', async () => {
    const audit = new AuditLog();
    const before = facade.calls.length;
    const wrapped = authorizeOperations(facade, { principal: p('viewer'), audit });
    await expect(wrapped.createVolume('pool-1', 10)).rejects.toMatchObject({
      code: 'CHASSIS_E_AUTH_DENIED',
    });
    expect(facade.calls.length).toBe(before);
    expect(audit.list()).toEqual([
      expect.objectContaining({
        principal: 'viewer',
        action: 'operation:createVolume',
        allowed: false,
        target: { kind: 'operation', id: 'pool-1' },
      }),
    ]);
  });

  it('fails closed when the hook throws', async () => {
    const wrapped = authorizeOperations(facade, {
      principal: p('admin'),
      authorize: () => {
        throw new Error('down');
      },
    });
    await expect(wrapped.createVolume('pool-1', 1)).rejects.toMatchObject({
      code: 'CHASSIS_E_AUTH_DENIED',
    });
  });
});

describe('AuditLog', () => {
  it('keeps the newest entries up to its capacity', () => {
    const log = new AuditLog(2);
    for (const action of ['a', 'b', 'c']) {
      log.record({
        at: '',
        principal: 'x',
        roles: [],
        action,
        target: { kind: 'system' },
        allowed: false,
      });
    }
    expect(log.list().map((e) => e.action)).toEqual(['b', 'c']);
  });
});
