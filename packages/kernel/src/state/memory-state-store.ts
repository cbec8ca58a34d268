import { assertStateKey, type StateRecord, type StateStore, stateConflict } from './state-store.js';

/** A {@link StateStore} in memory: for tests and throw-away servers. Values are deep-copied. */
export class MemoryStateStore implements StateStore {
  readonly #records = new Map<string, StateRecord>();

  async get<T>(key: string): Promise<StateRecord<T> | undefined> {
    assertStateKey(key);
    const r = this.#records.get(key);
    return r ? (structuredClone(r) as StateRecord<T>) : undefined;
  }

  async put<T>(key: string, value: T, expectedVersion: number): Promise<StateRecord<T>> {
    assertStateKey(key);
    const actual = this.#records.get(key)?.version ?? 0;
    if (actual !== expectedVersion) throw stateConflict(key, expectedVersion, actual);
    const record: StateRecord<T> = {
      key,
      version: actual + 1,
      value: structuredClone(value),
      updatedAt: new Date().toISOString(),
    };
    this.#records.set(key, record);
    return structuredClone(record);
  }

  async delete(key: string, expectedVersion: number): Promise<void> {
    assertStateKey(key);
    const actual = this.#records.get(key)?.version ?? 0;
    if (actual !== expectedVersion) throw stateConflict(key, expectedVersion, actual);
    this.#records.delete(key);
  }

  async list<T = unknown>(prefix: string): Promise<StateRecord<T>[]> {
    return [...this.#records.values()]
      .filter((r) => r.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((r) => structuredClone(r) as StateRecord<T>);
  }
}
