import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryStateStore } from '@chassis/kernel';
import { describe, expect, it } from 'vitest';
import { rebindRecords, resourceKey } from './resource-records.js';

const PACKAGES = fileURLToPath(new URL('../../../', import.meta.url));

/** Production TypeScript files of every package (no specs, no benches, no fixtures). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name.startsWith('__')) return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.(spec|bench)\.ts$/.test(name) ? [path] : [];
  });
}

/** A reference to the `resources/<id>` records: their key, their prefix or their writer. */
const TOUCHES = /`resources\/\$\{|['"]resources\/['"]|\bresourceKey\b|\brebindRecords\b/;
/** A store write in the same file (`store.put(`, not a `Map`'s `delete`). */
const WRITES = /\bstore\.(put|delete)\(|\bupdateState\b|\brebindRecords\(/;

/** Files that touch the resource records, and whether each writes to the store. */
function recordTouchers(files: readonly { path: string; text: string }[]) {
  return files
    .filter((f) => TOUCHES.test(f.text))
    .map((f) => ({ path: f.path, writes: WRITES.test(f.text) }));
}

describe('resources/<id> records have one writer', () => {
  it('only the resource service and its record module write them; recovery only reads', () => {
    const files = readdirSync(PACKAGES).flatMap((pkg) => {
      const src = join(PACKAGES, pkg, 'src');
      return statSync(src, { throwIfNoEntry: false })?.isDirectory()
        ? sources(src).map((path) => ({
            path: relative(PACKAGES, path),
            text: readFileSync(path, 'utf8'),
          }))
        : [];
    });
    expect(files.length).toBeGreaterThan(100);
    expect(recordTouchers(files).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      // The cluster member's store wrapper: it carries the resource service's writes through
      // the owner's fencing token and makes none of its own.
      { path: 'cluster/src/member/fenced-store.ts', writes: true },
      { path: 'cluster/src/member/member.ts', writes: false },
      // The rollout's phase runner reads a resource's record to settle a step (failover).
      { path: 'cluster/src/rollout/phase-runner.ts', writes: false },
      { path: 'runtime/src/manager/recovery.ts', writes: false },
      { path: 'runtime/src/server/resource-reconcile.ts', writes: false },
      { path: 'runtime/src/server/resource-record.ts', writes: false },
      { path: 'runtime/src/server/resource-service.ts', writes: true },
      { path: 'runtime/src/state/resource-records.ts', writes: true },
    ]);
  });

  it('the scan sees a writer elsewhere (positive control)', () => {
    const rogue = {
      path: 'admin/src/rogue.ts',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal.
      text: 'await store.put(`resources/${id}`, { binding }, 0);',
    };
    expect(recordTouchers([rogue])).toEqual([{ path: rogue.path, writes: true }]);
  });
});

describe('rebindRecords', () => {
  const binding = { driverId: 'd', version: '2.0.0' };
  it.each([
    ['moves the binding, keeps the rest', undefined, { resource: { id: 'a' }, binding }],
    [
      'stores the state a migrate returned',
      new Map([['a', { gen: 2 }]]),
      { resource: { id: 'a' }, binding, state: { gen: 2 } },
    ],
  ])('%s', async (_name, states, expected) => {
    const store = new MemoryStateStore();
    await store.put(
      resourceKey('a'),
      { resource: { id: 'a' }, binding: { ...binding, version: '1' } },
      0,
    );
    await rebindRecords(store, ['a', 'never-stored'], binding, states);
    expect((await store.get(resourceKey('a')))?.value).toEqual(expected);
    // A resource without a record is left alone, not created.
    expect(await store.get(resourceKey('never-stored'))).toBeUndefined();
  });
});
