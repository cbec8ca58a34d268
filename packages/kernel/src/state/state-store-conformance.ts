import { strict as assert } from 'node:assert';
import { ChassisError } from '../errors/chassis-error.js';
import { type StateStore, updateState } from './state-store.js';

/** One behaviour every {@link StateStore} must have; throws (node:assert) when it does not. */
export interface StateStoreCase {
  readonly name: string;
  run(store: StateStore): Promise<void>;
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(ChassisError.is(err), `expected a ChassisError, got ${String(err)}`);
    assert.equal(err.code, code);
    return;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

/**
 * The conformance suite for state stores (memory, directory, and later a shared database store).
 * Each store's spec runs every case against a fresh store.
 */
export const stateStoreConformance: readonly StateStoreCase[] = [
  {
    name: 'creates with expected version 0 and reads back a copy',
    async run(store) {
      const rec = await store.put('drivers/a', { v: '1.0.0', tags: ['x'] }, 0);
      assert.equal(rec.version, 1);
      const got = await store.get<{ v: string; tags: string[] }>('drivers/a');
      assert.deepEqual(got?.value, { v: '1.0.0', tags: ['x'] });
      assert.equal(got?.version, 1);
      assert.equal(await store.get('drivers/missing'), undefined);
    },
  },
  {
    name: 'compare-and-set refuses a stale version and keeps the old value',
    async run(store) {
      await store.put('k', 1, 0);
      await store.put('k', 2, 1);
      await expectCode(store.put('k', 3, 1), 'CHASSIS_E_STATE_CONFLICT');
      await expectCode(store.put('k', 3, 0), 'CHASSIS_E_STATE_CONFLICT');
      const got = await store.get<number>('k');
      assert.equal(got?.value, 2);
      assert.equal(got?.version, 2);
    },
  },
  {
    name: 'delete is compare-and-set too',
    async run(store) {
      await store.put('d', 'x', 0);
      await expectCode(store.delete('d', 7), 'CHASSIS_E_STATE_CONFLICT');
      await store.delete('d', 1);
      assert.equal(await store.get('d'), undefined);
      await store.put('d', 'again', 0);
    },
  },
  {
    name: 'lists by prefix, sorted by key',
    async run(store) {
      await store.put('bindings/r2', 'b', 0);
      await store.put('bindings/r1', 'a', 0);
      await store.put('config/r1', 'c', 0);
      const keys = (await store.list('bindings/')).map((r) => r.key);
      assert.deepEqual(keys, ['bindings/r1', 'bindings/r2']);
    },
  },
  {
    name: 'refuses unsafe keys',
    async run(store) {
      for (const key of ['../etc/passwd', 'a/../b', '/abs', '', 'a//b', 'spaces here']) {
        await expectCode(store.put(key, 1, 0), 'CHASSIS_E_STATE_IO');
      }
    },
  },
  {
    name: 'concurrent read-modify-write loses no update',
    async run(store) {
      await Promise.all(
        Array.from({ length: 20 }, () =>
          updateState<number>(store, 'counter', (n) => (n ?? 0) + 1, { retries: 100 }),
        ),
      );
      assert.equal((await store.get<number>('counter'))?.value, 20);
    },
  },
];
