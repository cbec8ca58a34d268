import type { ManagementRuntime, UpdateNotice, UpgradeRecord } from '@chassis/runtime';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchUpdates } from './update-notices.js';

/** The few runtime members watchUpdates uses, with hand-driven streams. */
function fakeRuntime(results: (UpdateNotice[] | Error)[]) {
  const listeners = {
    updates: new Set<(n: UpdateNotice[]) => void>(),
    upgrades: new Set<(r: UpgradeRecord) => void>(),
  };
  const stream = <T>(set: Set<(v: T) => void>) => ({
    subscribe(fn: (v: T) => void) {
      set.add(fn);
      return { unsubscribe: () => set.delete(fn) };
    },
  });
  let calls = 0;
  const runtime = {
    updates$: stream(listeners.updates),
    upgrades$: stream(listeners.upgrades),
    async checkUpdates() {
      const r = results[Math.min(calls++, results.length - 1)] ?? [];
      if (r instanceof Error) throw Object.assign(r, { code: 'CHASSIS_E_REPO_TRANSPORT' });
      for (const l of listeners.updates) l(r);
      return r;
    },
  };
  return {
    runtime: runtime as unknown as ManagementRuntime,
    calls: () => calls,
    upgraded: (result: UpgradeRecord['result']) => {
      for (const l of listeners.upgrades) l({ result } as UpgradeRecord);
    },
    listeners,
  };
}

const NOTICE: UpdateNotice = {
  id: 'com.example.solidfire',
  installed: '1.0.0',
  available: '1.1.0',
  category: 'storage',
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('watchUpdates', () => {
  it('checks at once, every interval and after a successful change; prints only changes', async () => {
    const lines: string[] = [];
    const fake = fakeRuntime([[], [NOTICE], [NOTICE], []]);
    const watch = watchUpdates(fake.runtime, (l) => lines.push(l), 60_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.calls()).toBe(1);
    expect(lines).toEqual([]);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.calls()).toBe(2);
    expect(lines).toEqual([
      '  update     storage    com.example.solidfire 1.0.0 → 1.1.0 available',
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.calls()).toBe(3);
    expect(lines).toHaveLength(1);

    fake.upgraded('failed');
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.calls()).toBe(3);
    fake.upgraded('succeeded');
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.calls()).toBe(4);
    expect(lines.at(-1)).toContain('every installed driver is the newest compatible');

    watch.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(fake.calls()).toBe(4);
    expect(fake.listeners.updates.size + fake.listeners.upgrades.size).toBe(0);
  });

  it('prints a failed check with its code and keeps going', async () => {
    const lines: string[] = [];
    const fake = fakeRuntime([new Error('unreachable'), [NOTICE]]);
    const watch = watchUpdates(fake.runtime, (l) => lines.push(l), 1_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(lines).toEqual(['  ✗ update check failed: CHASSIS_E_REPO_TRANSPORT unreachable']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(lines.at(-1)).toContain('1.0.0 → 1.1.0 available');
    watch.stop();
  });

  it('without an interval checks only at start and after changes', async () => {
    const fake = fakeRuntime([[]]);
    const watch = watchUpdates(fake.runtime, () => {});
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(fake.calls()).toBe(1);
    watch.stop();
  });
});
