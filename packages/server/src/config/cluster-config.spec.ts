import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChassisError } from '@chassis/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigProblem, loadServerConfig } from './load.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chassis-cluster-config-'));
  await writeFile(join(dir, 'secret'), `${'s'.repeat(40)}\n`);
  await writeFile(join(dir, 'short'), 'too-short\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const load = async (name: string, lines: string[]) => {
  const file = join(dir, name);
  await writeFile(file, lines.join('\n'));
  return loadServerConfig({ flags: { config: file } });
};

async function problemsOf(p: Promise<unknown>): Promise<string[]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e as ChassisError,
  );
  expect(err?.code).toBe('CHASSIS_E_SERVER_CONFIG_INVALID');
  return ((err?.details?.problems ?? []) as ConfigProblem[]).map((x) => `${x.path}: ${x.message}`);
}

describe('state and cluster configuration', () => {
  it('maps state.kind postgres and the cluster block, the secret read from its file', async () => {
    const s = await load('good.yaml', [
      'state: { kind: postgres, url: "postgres://chassis@127.0.0.1:5432/chassis", schema: c1 }',
      'cluster: { memberId: a, secretFile: secret, leaseTtlMs: 2000, forward: refuse, channel: { port: 0 } }',
    ]);
    expect(s.state).toEqual({
      kind: 'postgres',
      url: 'postgres://chassis@127.0.0.1:5432/chassis',
      schema: 'c1',
    });
    expect(s.cluster).toEqual({
      memberId: 'a',
      secret: 's'.repeat(40),
      leaseTtlMs: 2000,
      forward: 'refuse',
      channel: { port: 0 },
    });
    // Without a state block: the data directory, no cluster.
    const d = await load('plain.yaml', ['logLevel: info']);
    expect(d.state).toEqual({ kind: 'directory' });
    expect(d.cluster).toBeUndefined();
  });

  it('reports every partner-field problem at once', async () => {
    expect(await problemsOf(load('nocluster.yaml', ['state: { kind: postgres }']))).toEqual([
      'cluster: is required with state.kind postgres (this server is a cluster member): add it',
    ]);
    const bad = await problemsOf(
      load('bad.yaml', [
        'state: { kind: directory, url: "postgres://x/y" }',
        'cluster: { secretFile: short, forward: sometimes }',
      ]),
    );
    expect(bad).toEqual(
      expect.arrayContaining([
        'cluster.forward: must be one of forward, refuse',
        'state.kind: must be postgres when cluster is set (members share one PostgreSQL)',
        'state.url: is only used with state.kind postgres: remove it or set the kind',
        expect.stringMatching(/^cluster\.secretFile: .*short must hold a secret of at least 32/),
      ]),
    );
  });

  it('passes the rollout request bound, failover timing and retention through; a bad value names its field', async () => {
    const s = await load('rollout.yaml', [
      'state: { kind: postgres }',
      'cluster:',
      '  secretFile: secret',
      '  rollout:',
      '    requestTimeoutMs: 120000',
      '    watchMs: 250',
      '    ownerWaitMs: 90000',
      '    retention: { keepPerDriver: 5, maxAgeMs: 86400000, requestGraceMs: 0, pruneEveryMs: 60000 }',
    ]);
    expect(s.cluster?.rollout).toEqual({
      requestTimeoutMs: 120000,
      watchMs: 250,
      ownerWaitMs: 90000,
      retention: { keepPerDriver: 5, maxAgeMs: 86400000, requestGraceMs: 0, pruneEveryMs: 60000 },
    });
    const bad = await problemsOf(
      load('bad-rollout.yaml', [
        'state: { kind: postgres }',
        'cluster:',
        '  secretFile: secret',
        '  rollout:',
        '    requestTimeoutMs: 10',
        '    watchMs: 10',
        '    ownerWaitMs: later',
        '    retention: { keepPerDriver: 0, maxAgeMs: soon, keep: 3 }',
      ]),
    );
    expect(bad).toEqual(
      expect.arrayContaining([
        'cluster.rollout.requestTimeoutMs: must be >= 1000',
        'cluster.rollout.watchMs: must be >= 50',
        'cluster.rollout.ownerWaitMs: must be a integer: change its value',
        'cluster.rollout.retention.keepPerDriver: must be >= 1',
        'cluster.rollout.retention.maxAgeMs: must be a integer: change its value',
        expect.stringMatching(/^cluster\.rollout\.retention\.keep: unknown field: .*keepPerDriver/),
      ]),
    );
  });

  it('refuses a rollout owner wait that a takeover cannot meet (not above the lease TTL)', async () => {
    const rollout = (lines: string[]) => [
      'state: { kind: postgres }',
      'cluster:',
      '  secretFile: secret',
      ...lines,
    ];
    const cases: { name: string; lines: string[]; problem?: string }[] = [
      {
        name: 'default-ttl',
        lines: ['  rollout: { ownerWaitMs: 10000 }'],
        problem: 'cluster.rollout.ownerWaitMs: must be greater than cluster.leaseTtlMs (10000)',
      },
      {
        name: 'own-ttl',
        lines: ['  leaseTtlMs: 20000', '  rollout: { ownerWaitMs: 15000 }'],
        problem: 'cluster.rollout.ownerWaitMs: must be greater than cluster.leaseTtlMs (20000)',
      },
      { name: 'short-ttl', lines: ['  leaseTtlMs: 2000', '  rollout: { ownerWaitMs: 3000 }'] },
    ];
    for (const c of cases) {
      const p = load(`wait-${c.name}.yaml`, rollout(c.lines));
      if (!c.problem) {
        expect((await p).cluster?.rollout?.ownerWaitMs, c.name).toBe(3000);
        continue;
      }
      const problems = await problemsOf(p);
      expect(problems, c.name).toHaveLength(1);
      expect(problems[0], c.name).toContain(c.problem);
    }
  });
});
