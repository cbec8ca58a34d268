import { createExtensionPoint } from '@chassis/kernel';
import {
  CatalogDriverSchema,
  LifecycleEventSchema,
  UpgradePlanSchema,
  UpgradeRecordSchema,
} from '@chassis/kernel/summaries';
import { schemaProblems } from '@chassis/kernel/testing';
import type { CatalogOffer, RuntimeApi } from '@chassis/runtime';
import { fixtureServer } from '@chassis/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeRuntime } from '../testing/fake-runtime.js';

const admin = { id: 'alice', roles: ['admin'] };

/** What the suite needs to know about one implementation. */
interface Subject {
  readonly runtime: RuntimeApi;
  readonly driverId: string;
  /** The active version, and another installed one to upgrade to. */
  readonly from: string;
  readonly to: string;
  readonly props: Record<string, unknown>;
  readonly secret: string;
  readonly badProps: Record<string, unknown>;
  /** A read-only operation the resource's contract marks safe. */
  readonly safeOp: string;
  close(): Promise<void>;
}

const offer = (id: string, version: string): CatalogOffer => ({
  id,
  version,
  name: `Fixture ${id}`,
  vendor: 'Example Storage Inc.',
  category: 'storage',
  engines: { chassis: '^1.0.0' },
  provides: [{ point: 'storage.primary', version: '^1.0.0' }],
  signed: true,
  signer: { subject: 'CN=Example', issuer: 'CN=CA', fingerprint256: 'AA', validTo: 'x' },
  sha256: version.padEnd(64, '0'),
  length: 1,
  compatible: true,
});

async function realRuntime(): Promise<Subject> {
  const id = 'com.example.fixture';
  const { server, close } = await fixtureServer({
    repo: [
      { id, version: '1.0.0' },
      { id, version: '1.1.0' },
    ],
    trusted: [id],
    extensionPoints: [createExtensionPoint('storage.primary', '1.0.0', { safe: ['whoami'] })],
    // What a repository would offer: the two installed versions and a newer one.
    catalog: { offers: async () => ['1.0.0', '1.1.0', '1.2.0'].map((v) => offer(id, v)) },
  });
  return {
    runtime: server.runtime,
    driverId: id,
    from: '1.0.0',
    to: '1.1.0',
    props: { mVip: '10.0.0.1', password: 'hunter2-secret' },
    secret: 'hunter2-secret',
    badProps: { mVip: 'x'.repeat(40) },
    safeOp: 'whoami',
    close,
  };
}

async function fakeRuntime(): Promise<Subject> {
  const runtime = createFakeRuntime();
  const driverId = 'com.example.solidfire';
  await runtime.install({ kind: 'repository', id: driverId, version: '2.1.0' }, admin);
  return {
    runtime,
    driverId,
    from: '2.0.0',
    to: '2.1.0',
    props: { mVip: '10.0.0.9', clusterAdminUsername: 'admin', clusterAdminPassword: 'sekrit-pw' },
    secret: 'sekrit-pw',
    badProps: { mPort: 'nope' },
    safeOp: 'stats',
    close: async () => {},
  };
}

const codeOf = async (p: Promise<unknown> | (() => unknown)) => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

/**
 * One `RuntimeApi` contract, run against the real runtime and against the fake the UI tests
 * use: a behaviour the fake gets wrong here would make UI tests pass against something that
 * does not exist.
 */
describe.each([
  ['real runtime', realRuntime],
  ['fake runtime', fakeRuntime],
])('RuntimeApi conformance: %s', (_name, make) => {
  let s: Subject;
  beforeAll(async () => {
    s = await make();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers unknown ids with typed not-found codes', async () => {
    expect(await codeOf(() => s.runtime.getDriver('com.example.none'))).toBe(
      'CHASSIS_E_UPGRADE_NOT_INSTALLED',
    );
    expect(await codeOf(() => s.runtime.getResource('nope'))).toBe('CHASSIS_E_RESOURCE_NOT_FOUND');
    expect(await codeOf(s.runtime.deleteResource('nope', {}, admin))).toBe(
      'CHASSIS_E_RESOURCE_NOT_FOUND',
    );
  });

  it('creates a resource on the active version, masks secrets, refuses duplicates and bad input', async () => {
    const input = { id: 'conf-1', kind: 'pool', driverId: s.driverId, properties: s.props };
    const info = await s.runtime.createResource(input, admin);
    expect(info.binding).toEqual({ driverId: s.driverId, version: s.from });
    expect(info.state).toBe('active');
    expect(JSON.stringify(info)).not.toContain(s.secret);
    expect(await codeOf(s.runtime.createResource(input, admin))).toBe(
      'CHASSIS_E_RESOURCE_DUPLICATE',
    );
    expect(
      await codeOf(
        s.runtime.createResource({ ...input, id: 'conf-bad', properties: s.badProps }, admin),
      ),
    ).toBe('CHASSIS_E_PROPS_INVALID');
    expect(await codeOf(() => s.runtime.getResource('conf-bad'))).toBe(
      'CHASSIS_E_RESOURCE_NOT_FOUND',
    );
  });

  it('filters resources by driver, version and state', () => {
    const ids = (f: Parameters<RuntimeApi['listResources']>[0]) =>
      s.runtime.listResources(f).map((r) => r.resource.id);
    expect(ids({ driverId: s.driverId, version: s.from })).toContain('conf-1');
    expect(ids({ version: '9.9.9' })).toEqual([]);
    expect(ids({ state: 'closed' })).toEqual([]);
    expect(ids({ driverId: 'com.example.none' })).toEqual([]);
  });

  it('plans one resource at a time by default; a subset leaves the active version', async () => {
    const plan = await s.runtime.planUpgrade(s.driverId, { version: s.to });
    expect(plan).toMatchObject({ from: s.from, to: s.to, policy: { kind: 'one-at-a-time' } });
    expect(plan.resources.map((r) => r.id)).toContain('conf-1');
    expect(plan.steps.every((st) => st.resources.length <= 1)).toBe(true);
    expect(schemaProblems(UpgradePlanSchema, plan)).toEqual([]);
    const subset = await s.runtime.planUpgrade(s.driverId, {
      version: s.to,
      resources: ['conf-1'],
    });
    expect(subset.activeAfter).toBe(s.from);
    expect(subset.resources).toEqual([{ id: 'conf-1', from: s.from, to: s.to }]);
  });

  it('tests a resource with the health check or a safe operation, refuses others', async () => {
    expect(await s.runtime.testResource('conf-1', {}, admin)).toMatchObject({
      resource: 'conf-1',
      operation: 'health',
      ok: true,
    });
    expect((await s.runtime.testResource('conf-1', { operation: s.safeOp }, admin)).ok).toBe(true);
    expect(
      await codeOf(s.runtime.testResource('conf-1', { operation: 'deleteEverything' }, admin)),
    ).toBe('CHASSIS_E_RESOURCE_OP_NOT_SAFE');
  });

  it('pins a resource to another installed version and releases the pin', async () => {
    const pinned = await s.runtime.pinResource('conf-1', s.to, admin);
    expect(pinned).toMatchObject({ binding: { version: s.to }, pinned: true });
    const released = await s.runtime.pinResource('conf-1', null, admin);
    expect(released.pinned).toBeUndefined();
    expect(released.binding.version).toBe(s.to);
  });

  it('deletes a resource: gone from reads and lists', async () => {
    await s.runtime.deleteResource('conf-1', {}, admin);
    expect(await codeOf(() => s.runtime.getResource('conf-1'))).toBe(
      'CHASSIS_E_RESOURCE_NOT_FOUND',
    );
    expect(s.runtime.listResources().map((r) => r.resource.id)).not.toContain('conf-1');
  });

  it('searches the catalog: per driver, newest first, installed versions marked', async () => {
    const [d, ...more] = await s.runtime.searchCatalog(s.driverId);
    expect(more).toEqual([]);
    expect(d).toMatchObject({ id: s.driverId, installed: expect.arrayContaining([s.from, s.to]) });
    const versions = d!.versions.map((v) => v.version);
    expect(versions).toContain(s.to);
    expect(d!.versions.find((v) => v.version === s.from)).toMatchObject({
      installed: true,
      signed: true,
      compatible: true,
    });
    expect(d!.versions[0]).not.toHaveProperty('id');
    expect(schemaProblems(CatalogDriverSchema, d)).toEqual([]);
    expect(await s.runtime.searchCatalog('no-such-driver-anywhere')).toEqual([]);
    expect((await s.runtime.catalogDriver(s.driverId)).id).toBe(s.driverId);
    expect(await codeOf(s.runtime.catalogDriver('com.example.none'))).toBe(
      'CHASSIS_E_REPO_DRIVER_NOT_FOUND',
    );
  });

  it('rolls back to a chosen kept version; refuses one not kept (naming the kept) or the active one', async () => {
    let refused: unknown;
    await s.runtime.rollback(s.driverId, admin, { to: '0.0.1' }).catch((e) => {
      refused = e;
    });
    expect(refused).toMatchObject({
      code: 'CHASSIS_E_UPGRADE_VERSION_NOT_KEPT',
      details: { version: '0.0.1', kept: expect.arrayContaining([s.from, s.to]) },
    });
    expect(await codeOf(s.runtime.rollback(s.driverId, admin, { to: s.from }))).toBe(
      'CHASSIS_E_UPGRADE_SAME_VERSION',
    );
    const upgraded = await s.runtime.upgrade(s.driverId, { version: s.to }, admin);
    const record = await s.runtime.rollback(s.driverId, admin, { to: s.from });
    // Both implementations answer exactly the schema's shape (the OpenAPI `UpgradeRecord`).
    for (const r of [upgraded, ...s.runtime.upgradeHistory(s.driverId)])
      expect(schemaProblems(UpgradeRecordSchema, r)).toEqual([]);
    const events = s.runtime.lifecycleHistory(s.driverId);
    expect(events.length).toBeGreaterThan(2);
    for (const e of events) expect(schemaProblems(LifecycleEventSchema, e)).toEqual([]);
    expect(record).toMatchObject({
      action: 'rollback',
      from: s.to,
      to: s.from,
      result: 'succeeded',
    });
    expect(s.runtime.getDriver(s.driverId).activeVersion).toBe(s.from);
  });

  it('accepts an upgrade and a rollback by id, followed to their end; unknown ids are typed', async () => {
    expect(await codeOf(s.runtime.upgradeStatus('no-such-action'))).toBe(
      'CHASSIS_E_UPGRADE_NOT_FOUND',
    );
    expect(await codeOf(s.runtime.submitRollback(s.driverId, admin, { to: s.from }))).toBe(
      'CHASSIS_E_UPGRADE_SAME_VERSION',
    );
    const follow = async (id: string) => {
      for (let i = 0; i < 400; i++) {
        const st = await s.runtime.upgradeStatus(id);
        if (st.state !== 'accepted' && st.state !== 'running') return st;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`${id} did not end`);
    };
    const up = await s.runtime.submitUpgrade(s.driverId, { version: s.to }, admin);
    expect(up).toMatchObject({ action: 'upgrade', driverId: s.driverId, to: s.to });
    expect(['accepted', 'running']).toContain(up.state);
    expect(await follow(up.id)).toMatchObject({ state: 'succeeded', record: { id: up.id } });
    const back = await s.runtime.submitRollback(s.driverId, admin, { to: s.from });
    expect(await follow(back.id)).toMatchObject({ action: 'rollback', state: 'succeeded' });
    expect(s.runtime.getDriver(s.driverId).activeVersion).toBe(s.from);
  });
});
