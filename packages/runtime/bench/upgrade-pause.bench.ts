import {
  type DriverHandle,
  LifecycleManager,
  MemoryStateStore,
  type Resource,
  ResourceRegistry,
} from '@chassis/kernel';
import { it } from 'vitest';
import { fmtMs, report } from '../../../bench/compare.js';
import type { RolloutPolicy } from '../src/api/runtime-api.js';
import { DriverManager } from '../src/manager/driver-manager.js';
import { FakeLoader, fakeDescriptor } from '../src/testing/fake-loader.js';

/**
 * Issue 7 benchmark: how long each resource's new work waits during an upgrade
 * (`UpgradeRecord.resources[].pausedMs`, suspend → resume) while 50 resources receive a steady
 * stream of operations, some with a few ms of simulated I/O. Reported next to the longest
 * operation that ran, since a swap must wait for the in-flight one. Target: p99 ≤ longest
 * in-flight op + 5 ms. Reports only; never fails on time.
 */

const ID = 'com.example.sf';
const RESOURCES = 50;
/** Upgrades per policy, alternating v1 → v2 and v2 → v1. */
const ROUNDS = 10;
/** Simulated I/O of the operations, cycled by sequence number (ms; 0 = synchronous). */
const WORK_MS = [0, 0, 1, 0, 2, 0, 4];
/** Per-resource bound on the stream, whatever happens. */
const MAX_OPS_PER_RESOURCE = 5_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function measure(policy: RolloutPolicy, print = true): Promise<void> {
  let longestOpMs = 0;
  /** The longest op its own compartment's swap had to wait for (suspended when it ended). */
  let longestInFlightMs = 0;
  let inFlightAtSwap = 0;
  let opsRun = 0;
  const definition = () => ({
    provides: {
      'storage.primary': {
        async op(ctx: { resource: Resource }, seq: number) {
          const t0 = performance.now();
          const ms = WORK_MS[seq % WORK_MS.length]!;
          if (ms > 0) await sleep(ms);
          else await Promise.resolve();
          const took = performance.now() - t0;
          longestOpMs = Math.max(longestOpMs, took);
          if (resources.get(ctx.resource.id).compartment.state === 'suspended') {
            inFlightAtSwap++;
            longestInFlightMs = Math.max(longestInFlightMs, took);
          }
          opsRun++;
          return seq;
        },
      },
    },
  });
  const loader = new FakeLoader();
  loader.add('sf-1.0.0', fakeDescriptor(ID, '1.0.0'), definition());
  loader.add('sf-2.0.0', fakeDescriptor(ID, '2.0.0'), definition());
  const resources = new ResourceRegistry<DriverHandle>();
  const store = new MemoryStateStore();
  const manager = new DriverManager({
    lifecycle: new LifecycleManager(),
    resources,
    store,
    loader,
  });
  await manager.install({ kind: 'file', path: 'sf-1.0.0' }, 'bench');
  await manager.install({ kind: 'file', path: 'sf-2.0.0' }, 'bench');
  for (let i = 0; i < RESOURCES; i++) {
    const resource: Resource = {
      id: `pool-${String(i).padStart(2, '0')}`,
      kind: 'primary-storage-pool',
      category: 'storage',
      driverId: ID,
    };
    const binding = { driverId: ID, version: '1.0.0' };
    resources.add(resource, binding, manager.active(ID).handle);
    await store.put(`resources/${resource.id}`, { resource, binding }, 0);
  }

  let stop = false;
  const pending: Promise<unknown>[] = [];
  const producers = resources.list().map(async (e) => {
    for (let seq = 0; seq < MAX_OPS_PER_RESOURCE && !stop; seq++) {
      pending.push(
        e.compartment.submit((h) =>
          h.invoke('storage.primary', 'op', { properties: {}, resource: e.resource }, [seq]),
        ),
      );
      await sleep(1);
    }
  });

  const paused: number[] = [];
  let failures = 0;
  await sleep(20); // let the stream reach a steady state
  for (let round = 0; round < ROUNDS; round++) {
    const to = round % 2 === 0 ? '2.0.0' : '1.0.0';
    // Moving back to a version that was unloaded reloads and starts it: that is not a pause.
    const rec = await manager.upgrade(ID, { version: to, policy }, 'bench');
    if (rec.result !== 'succeeded') failures++;
    paused.push(...rec.resources.map((r) => r.pausedMs));
    await sleep(10);
  }
  stop = true;
  await Promise.all(producers);
  const settled = await Promise.allSettled(pending);
  const rejected = settled.filter((s) => s.status === 'rejected').length;
  await manager.shutdown();

  if (!print) return;
  paused.sort((a, b) => a - b);
  const p50 = quantile(paused, 0.5);
  const p99 = quantile(paused, 0.99);
  const target = longestInFlightMs + 5;
  report(`per-resource pause during an upgrade, ${policyName(policy)}, ${RESOURCES} resources`, [
    ['samples', `${paused.length} (${ROUNDS} upgrades)`],
    ['p50 pause', fmtMs(p50)],
    ['p99 pause', fmtMs(p99)],
    ['max pause', fmtMs(paused.at(-1) ?? Number.NaN)],
    [
      'longest in-flight op',
      `${fmtMs(longestInFlightMs)} (${inFlightAtSwap} ops drained by swaps)`,
    ],
    ['longest op (any)', `${fmtMs(longestOpMs)} (nominal ${Math.max(...WORK_MS)} ms of I/O)`],
    ['operations', `${opsRun} run, ${rejected} failed, ${failures} upgrade(s) not succeeded`],
    [
      'target',
      `p99 ≤ longest in-flight op + 5 ms = ${fmtMs(target)}  (${p99 <= target ? 'met' : 'NOT met'})`,
    ],
  ]);
}

function policyName(p: RolloutPolicy): string {
  return p.kind === 'canary' ? `canary ${p.canaries}` : p.kind;
}

it('upgrade pause per resource under load', async () => {
  await measure({ kind: 'one-at-a-time' }, false); // warm-up: JIT, first timers
  await measure({ kind: 'one-at-a-time' });
  await measure({ kind: 'canary', canaries: 5 });
  await measure({ kind: 'all-at-once' });
});
