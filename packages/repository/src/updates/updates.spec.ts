import { ChassisError } from '@chassis/kernel';
import { firstValueFrom } from 'rxjs';
import { take, toArray } from 'rxjs/operators';
import { describe, expect, it } from 'vitest';
import type { DriverEntry } from '../tuf/entry.js';
import { findUpdates, type HostCompatibility } from './find-updates.js';
import { UpdateMonitor } from './monitor.js';

function entry(id: string, version: string, extra: Partial<DriverEntry> = {}): DriverEntry {
  return {
    id,
    version,
    name: id,
    vendor: 'v',
    category: 'storage',
    engines: { chassis: '^1.0.0' },
    provides: [{ point: 'storage.primary', version: '^1.0.0' }],
    signed: true,
    path: `cars/${'0'.repeat(64)}.car`,
    sha256: '0'.repeat(64),
    length: 1,
    ...extra,
  };
}

const host: HostCompatibility = {
  chassisVersion: '1.4.0',
  contracts: { 'storage.primary': '1.2.0' },
};

describe('findUpdates (pure)', () => {
  const cases: [string, DriverEntry[], string[]][] = [
    [
      'newer compatible versions, newest first',
      [entry('a', '1.1.0'), entry('a', '1.2.0')],
      ['1.2.0', '1.1.0'],
    ],
    ['older and equal versions are not updates', [entry('a', '0.9.0'), entry('a', '1.0.0')], []],
    [
      'engines range excludes this host',
      [entry('a', '2.0.0', { engines: { chassis: '^2.0.0' } })],
      [],
    ],
    [
      'contract range excludes this host',
      [entry('a', '2.0.0', { provides: [{ point: 'storage.primary', version: '^2.0.0' }] })],
      [],
    ],
    [
      'unknown extension point',
      [entry('a', '2.0.0', { provides: [{ point: 'x.y', version: '^1.0.0' }] })],
      [],
    ],
    ['other drivers are ignored', [entry('b', '9.0.0')], []],
  ];
  it.each(cases)('%s', (_name, entries, expected) => {
    const out = findUpdates([{ id: 'a', version: '1.0.0' }], entries, host);
    expect(out.flatMap((n) => n.available.map((e) => e.version))).toEqual(expected);
    if (expected.length) expect(out[0]!.latest.version).toBe(expected[0]);
  });

  it('without a contracts map only engines.chassis decides', () => {
    const e = entry('a', '2.0.0', { provides: [{ point: 'x.y', version: '^9.0.0' }] });
    expect(
      findUpdates([{ id: 'a', version: '1.0.0' }], [e], { chassisVersion: '1.0.0' }),
    ).toHaveLength(1);
  });

  it('with several installed versions, the newest one is the baseline', () => {
    const out = findUpdates(
      [
        { id: 'a', version: '1.0.0' },
        { id: 'a', version: '1.2.0' },
      ],
      [entry('a', '1.1.0'), entry('a', '1.3.0')],
      host,
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.installed).toBe('1.2.0');
    expect(out[0]!.available.map((e) => e.version)).toEqual(['1.3.0']);
  });
});

describe('UpdateMonitor', () => {
  it('emits the pending list on demand and only when it changes', async () => {
    let offered = [entry('a', '1.0.0')];
    let calls = 0;
    const monitor = new UpdateMonitor({
      ...host,
      client: {
        refresh: async () => {
          calls += 1;
          return offered;
        },
      },
      installed: () => [{ id: 'a', version: '1.0.0' }],
    });
    const seen = firstValueFrom(monitor.updates$.pipe(take(2), toArray()));
    await monitor.check();
    await monitor.check(); // unchanged: no emission
    offered = [entry('a', '1.0.0'), entry('a', '1.1.0')];
    const [a, b] = await Promise.all([monitor.check(), monitor.check()]);
    expect(a).toBe(b); // concurrent checks share one refresh
    expect(calls).toBe(3);
    const lists = await seen;
    expect(lists.map((l) => l.length)).toEqual([0, 1]);
    expect(monitor.pendingUpdates()[0]!.latest.version).toBe('1.1.0');
    monitor.dispose();
  });

  it('reports a refused refresh on errors$ and keeps the last good list', async () => {
    let fail = false;
    const monitor = new UpdateMonitor({
      ...host,
      client: {
        refresh: async () => {
          if (fail) throw new ChassisError('CHASSIS_E_REPO_FREEZE', 'stale');
          return [entry('a', '2.0.0', { engines: { chassis: '*' } })];
        },
      },
      installed: async () => [{ id: 'a', version: '1.0.0' }],
    });
    await monitor.check();
    fail = true;
    const error = firstValueFrom(monitor.errors$);
    await expect(monitor.check()).rejects.toMatchObject({ code: 'CHASSIS_E_REPO_FREEZE' });
    expect((await error).code).toBe('CHASSIS_E_REPO_FREEZE');
    expect(monitor.pendingUpdates()).toHaveLength(1);
    monitor.dispose();
  });

  it('checks periodically once started', async () => {
    let calls = 0;
    const monitor = new UpdateMonitor({
      ...host,
      intervalMs: 5,
      client: {
        refresh: async () => {
          calls += 1;
          return [];
        },
      },
      installed: () => [],
    });
    monitor.start();
    monitor.start();
    for (let i = 0; i < 200 && calls < 3; i++) await new Promise((r) => setTimeout(r, 5));
    monitor.stop();
    expect(calls).toBeGreaterThanOrEqual(3);
    monitor.dispose();
  });
});
