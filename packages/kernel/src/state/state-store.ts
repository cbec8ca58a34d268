import { ChassisError } from '../errors/chassis-error.js';

/** One versioned record. `version` starts at 1 and grows by one on every successful write. */
export interface StateRecord<T = unknown> {
  readonly key: string;
  readonly version: number;
  readonly value: T;
  /** ISO time of the write. */
  readonly updatedAt: string;
}

/**
 * Everything that must survive a restart (installed drivers, configurations, bindings, upgrade
 * history, trust state) goes through this interface. Writes are compare-and-set on the record
 * version, so several management servers can share one store and never overwrite each other's
 * changes silently. Nothing outside a store implementation knows which store is in use.
 */
export interface StateStore {
  get<T>(key: string): Promise<StateRecord<T> | undefined>;
  /**
   * Writes `value` if the record's current version is `expectedVersion` (`0` = must not exist).
   * Otherwise rejects with `CHASSIS_E_STATE_CONFLICT` and changes nothing.
   */
  put<T>(key: string, value: T, expectedVersion: number): Promise<StateRecord<T>>;
  /** Deletes if the current version is `expectedVersion`; `CHASSIS_E_STATE_CONFLICT` otherwise. */
  delete(key: string, expectedVersion: number): Promise<void>;
  /** Records whose key starts with `prefix`, sorted by key. */
  list<T = unknown>(prefix: string): Promise<StateRecord<T>[]>;
}

const KEY_PATTERN = /^[a-z0-9][a-z0-9._@-]*(\/[a-z0-9][a-z0-9._@-]*)*$/i;

/** Throws `CHASSIS_E_STATE_IO` unless `key` is `segment(/segment)*` with safe characters (no `..`). */
export function assertStateKey(key: string): void {
  if (
    !KEY_PATTERN.test(key) ||
    key.split('/').some((s) => s === '.' || s === '..') ||
    key.length > 400
  ) {
    throw new ChassisError(
      'CHASSIS_E_STATE_IO',
      `State key "${key}" is not valid: use "/"-separated segments of letters, digits, ".", "_", "@", "-"`,
      { details: { key } },
    );
  }
}

/** Builds the conflict error stores throw. */
export function stateConflict(key: string, expected: number, actual: number): ChassisError {
  return new ChassisError(
    'CHASSIS_E_STATE_CONFLICT',
    `State record "${key}" is at version ${actual}, not ${expected}: it changed since it was read; read it again and retry`,
    { details: { key, expected, actual } },
  );
}

/**
 * Read-modify-write with compare-and-set, retried on conflict. `fn` gets the current value
 * (undefined when absent) and returns the new one, or `undefined` to leave the record alone.
 */
export async function updateState<T>(
  store: StateStore,
  key: string,
  fn: (current: T | undefined) => T | undefined,
  options: { retries?: number } = {},
): Promise<StateRecord<T> | undefined> {
  const retries = options.retries ?? 10;
  for (let attempt = 0; ; attempt++) {
    const current = await store.get<T>(key);
    const next = fn(current?.value);
    if (next === undefined) return current;
    try {
      return await store.put(key, next, current?.version ?? 0);
    } catch (err) {
      if (!ChassisError.is(err, 'CHASSIS_E_STATE_CONFLICT') || attempt >= retries) throw err;
    }
  }
}
