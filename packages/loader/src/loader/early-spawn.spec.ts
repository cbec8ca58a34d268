import { silentLogger } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { PendingEnvironment } from './early-spawn.js';
import type { SpawnedEnvironment, SpawnPlan } from './tier-environment.js';

const PLAN: SpawnPlan = {
  tier: 'process',
  driver: { id: 'com.example.p', version: '1.0.0' },
  dir: '/cache/abc',
  confinement: { trusted: false, env: [], permissions: {} } as unknown as SpawnPlan['confinement'],
  limits: { heapMb: 64, maxMessageBytes: 1024 },
};

/** An environment that only counts its disposals (the ownership rules are what is tested). */
function spawned(plan = PLAN): SpawnedEnvironment & { disposed: number } {
  const env = {
    plan,
    disposed: 0,
    attach: () => Promise.reject(new Error('not attached in this spec')),
    dispose: async () => {
      env.disposed++;
    },
  };
  return env;
}

type Step = 'take-same' | 'take-other' | 'dispose';

/**
 * The ownership of the early environment, step by step: whoever ends it first (a take or a
 * dispose) owns it; it is disposed exactly once unless a take with the same plan handed it over.
 */
const CASES: readonly {
  readonly steps: readonly Step[];
  readonly disposed: number;
  readonly used: boolean;
}[] = [
  { steps: ['dispose'], disposed: 1, used: false },
  { steps: ['dispose', 'dispose'], disposed: 1, used: false },
  { steps: ['take-same'], disposed: 0, used: true },
  { steps: ['take-same', 'dispose'], disposed: 0, used: true },
  { steps: ['take-other'], disposed: 1, used: false },
  { steps: ['take-other', 'dispose'], disposed: 1, used: false },
  { steps: ['dispose', 'take-same'], disposed: 1, used: false },
];

describe('PendingEnvironment', () => {
  for (const c of CASES) {
    it(`${c.steps.join(' → ')}: disposed ${c.disposed}×, used ${c.used}`, async () => {
      const env = spawned();
      const pending = new PendingEnvironment(silentLogger);
      pending.start(async () => env);
      expect(await pending.held()).toBe(true);
      for (const step of c.steps) {
        if (step === 'dispose') await pending.dispose();
        else {
          const plan = step === 'take-same' ? { ...PLAN } : { ...PLAN, tier: 'worker' as const };
          const got = await pending.take(plan);
          expect(got).toBe(step === 'take-same' && c.used ? env : undefined);
        }
      }
      expect(env.disposed).toBe(c.disposed);
      expect(pending.used).toBe(c.used);
      expect(await pending.held()).toBe(false);
    });
  }

  it('only the first start spawns, and none after the end', async () => {
    const pending = new PendingEnvironment(silentLogger);
    let spawns = 0;
    pending.start(() => {
      spawns++;
      return undefined; // e.g. an in-process driver: nothing to spawn
    });
    pending.start(() => {
      spawns++;
      return Promise.resolve(spawned());
    });
    expect(spawns).toBe(1);
    expect(await pending.held()).toBe(false);
    const late = new PendingEnvironment(silentLogger);
    await late.dispose();
    late.start(() => {
      spawns++;
      return Promise.resolve(spawned());
    });
    expect(spawns).toBe(1);
  });

  it('a spawn still in flight is awaited, then disposed; a failing disposal does not reject', async () => {
    const env = spawned();
    let resolve!: (e: SpawnedEnvironment) => void;
    const pending = new PendingEnvironment(silentLogger);
    pending.start(() => new Promise((r) => (resolve = r)));
    const disposal = pending.dispose();
    resolve(env);
    await disposal;
    expect(env.disposed).toBe(1);

    const failing = new PendingEnvironment(silentLogger);
    failing.start(async () => ({
      ...spawned(),
      dispose: () => Promise.reject(new Error('EPERM')),
    }));
    await expect(failing.dispose()).resolves.toBeUndefined();
    const refused = new PendingEnvironment(silentLogger);
    refused.start(async () => ({
      ...spawned(),
      dispose: () => Promise.reject(new Error('EPERM')),
    }));
    // A different plan at load: the failed clean-up is logged, the load spawns afresh.
    await expect(refused.take({ ...PLAN, tier: 'worker' })).resolves.toBeUndefined();
  });
});
