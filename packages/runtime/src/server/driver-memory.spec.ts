import type { DriverHandle, IsolationTier } from '@chassis/kernel';
import type { DriverMemory } from '@chassis/loader';
import { describe, expect, it } from 'vitest';
import type { InstalledDriver } from '../manager/context.js';
import type { DriverRecord } from '../manager/records.js';
import type { LoadedVersion } from '../manager/types.js';
import { readDriverMemory } from './driver-memory.js';

const reading = (tier: DriverMemory['tier'], heap: number): DriverMemory => ({
  tier,
  heapUsedBytes: heap,
  heapTotalBytes: heap * 2,
  externalBytes: 7,
  ...(tier === 'process' ? { rssBytes: heap * 4 } : {}),
});

/** A handle of `tier` whose `memory()` answers with `answer` (absent: a plain DriverHandle). */
function handle(
  tier: IsolationTier,
  answer?: (timeoutMs: number) => Promise<DriverMemory | undefined>,
): DriverHandle {
  return {
    tier,
    ...(answer ? { memory: ({ timeoutMs }: { timeoutMs: number }) => answer(timeoutMs) } : {}),
  } as unknown as DriverHandle;
}

function installed(id: string, versions: Record<string, DriverHandle>): InstalledDriver {
  return {
    record: { id } as DriverRecord,
    loaded: new Map(
      Object.entries(versions).map(([v, h]) => [v, { handle: h } as unknown as LoadedVersion]),
    ),
  };
}

describe('readDriverMemory', () => {
  it('lists every version that answered, sorted, with driver and version; leaves the others out', async () => {
    const asked: string[] = [];
    const answer = (name: string, m: DriverMemory | undefined) => async () => {
      asked.push(name);
      return m;
    };
    const list = await readDriverMemory([
      installed('com.example.z', { '1.0.0': handle('worker', answer('z', reading('worker', 1))) }),
      installed('com.example.a', {
        '2.0.0': handle('process', answer('a2', reading('process', 2))),
        '1.0.0': handle('worker', answer('a1', reading('worker', 3))),
        '0.9.0': handle('worker', answer('dead', undefined)),
        '0.8.0': handle('worker', () => Promise.reject(new Error('broken'))),
        '0.7.0': handle('in-process', answer('in-process', reading('worker', 9))),
        '0.6.0': handle('worker'),
      }),
    ]);
    expect(list).toEqual([
      { driverId: 'com.example.a', version: '1.0.0', ...reading('worker', 3) },
      { driverId: 'com.example.a', version: '2.0.0', ...reading('process', 2) },
      { driverId: 'com.example.z', version: '1.0.0', ...reading('worker', 1) },
    ]);
    expect(asked).not.toContain('in-process');
  });

  it('asks every environment at once with the given timeout (default 1000 ms)', async () => {
    const timeouts: number[] = [];
    let open = 0;
    let most = 0;
    const slow = handle('worker', async (t) => {
      timeouts.push(t);
      most = Math.max(most, ++open);
      await new Promise((r) => setImmediate(r));
      open--;
      return reading('worker', 1);
    });
    const drivers = [installed('a', { '1': slow }), installed('b', { '1': slow })];
    expect(await readDriverMemory(drivers, { timeoutMs: 50 })).toHaveLength(2);
    await readDriverMemory(drivers);
    expect(timeouts).toEqual([50, 50, 1000, 1000]);
    expect(most).toBe(2);
  });
});
