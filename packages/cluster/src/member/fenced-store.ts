import type { StateRecord, StateStore } from '@chassis/kernel';
import {
  fencedDelete,
  fencedPut,
  type Lease,
  type LeaseManager,
  type PostgresDatabase,
} from '@chassis/state-postgres';

const RESOURCE_PREFIX = 'resources/';

/**
 * The member's view of the shared store: a write or delete of `resources/<id>` while this
 * member holds the resource's lease goes through {@link fencedPut} / {@link fencedDelete}, so
 * the lease check and the change commit together. A member that lost the lease without knowing
 * it (paused, partitioned, presumed dead) has its late write or delete refused with
 * `CHASSIS_E_CLUSTER_FENCED` instead of overwriting (or removing) the new owner's record. Every
 * other key (and a resource this member does not own) is written as is.
 */
export function fencedStateStore(
  store: StateStore,
  db: PostgresDatabase,
  leases: LeaseManager,
  leaseOf: (resourceId: string) => Lease | undefined,
): StateStore {
  const held = (key: string) =>
    key.startsWith(RESOURCE_PREFIX) ? leaseOf(key.slice(RESOURCE_PREFIX.length)) : undefined;
  return {
    get: <T>(key: string) => store.get<T>(key),
    list: <T = unknown>(prefix: string) => store.list<T>(prefix),
    delete(key: string, expectedVersion: number): Promise<void> {
      const lease = held(key);
      return lease
        ? fencedDelete(db, leases, lease, key, expectedVersion)
        : store.delete(key, expectedVersion);
    },
    put<T>(key: string, value: T, expectedVersion: number): Promise<StateRecord<T>> {
      const lease = held(key);
      return lease
        ? fencedPut(db, leases, lease, key, value, expectedVersion)
        : store.put(key, value, expectedVersion);
    },
  };
}
