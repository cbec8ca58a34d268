import { randomUUID } from 'node:crypto';
import { type StateStore, updateState } from '@chassis/kernel';
import type {
  RecordedMoves,
  RolloutPolicy,
  SignatureInfo,
  UpgradeRecord,
} from '../api/runtime-api.js';

/** One installed version as persisted. */
export interface VersionRecord {
  readonly version: string;
  readonly sha256: string;
  /** Stable path of the kept CAR. */
  readonly car: string;
  readonly installedAt: string;
  readonly signature: SignatureInfo;
}

/** One driver as persisted under `drivers/<id>`. */
export interface DriverRecord {
  readonly id: string;
  readonly active?: string;
  readonly previous?: string;
  readonly versions: readonly VersionRecord[];
}

const driverKey = (id: string) => `drivers/${id}`;

/** Reads every persisted driver record. */
export async function loadDriverRecords(store: StateStore): Promise<DriverRecord[]> {
  return (await store.list<DriverRecord>('drivers/')).map((r) => r.value);
}

/**
 * Applies `fn` to the driver's record with compare-and-set; `null` deletes it, the current
 * record itself leaves it untouched.
 */
export async function saveDriverRecord(
  store: StateStore,
  id: string,
  fn: (current: DriverRecord | undefined) => DriverRecord | null,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const current = await store.get<DriverRecord>(driverKey(id));
    const next = fn(current?.value);
    // The stored record itself returned: nothing to write (no version bump, no notification).
    if (current && next === current.value) return;
    try {
      if (next === null) {
        if (current) await store.delete(driverKey(id), current.version);
      } else {
        await store.put(driverKey(id), next, current?.version ?? 0);
      }
      return;
    } catch (err) {
      if (attempt >= 10 || (err as { code?: string }).code !== 'CHASSIS_E_STATE_CONFLICT')
        throw err;
    }
  }
}

/** What a history id can be (one key segment): anything else names no record. */
const HISTORY_ID = /^[a-z0-9][a-z0-9._@-]{0,200}$/i;

/**
 * Breaks ties between records begun in the same millisecond (or under a fixed test clock):
 * without it the random UUID decided their order in `list()`.
 */
let sequence = 0;

/** Upgrade history: one record per action, keyed so that listing returns them in time order. */
export class UpgradeHistory {
  readonly #store: StateStore;
  readonly #now: () => Date;

  constructor(store: StateStore, now: () => Date = () => new Date()) {
    this.#store = store;
    this.#now = now;
  }

  /** Persists the start of an action and returns its record. */
  async begin(input: {
    action: UpgradeRecord['action'];
    driverId: string;
    from?: string;
    to?: string;
    policy?: RolloutPolicy;
    plan?: RecordedMoves;
    principal: string;
  }): Promise<UpgradeRecord> {
    const at = this.#now();
    const record: UpgradeRecord = {
      id: `${String(at.getTime()).padStart(15, '0')}-${String(sequence++ % 1e9).padStart(9, '0')}-${randomUUID()}`,
      ...input,
      startedAt: at.toISOString(),
      result: 'running',
      resources: [],
    };
    await this.#store.put(`history/${record.id}`, record, 0);
    return record;
  }

  /**
   * Persists a change of a running action (its progress) and returns the new record; the
   * caller goes on only once it is stored, so a crash never loses an acknowledged step.
   */
  async update(record: UpgradeRecord, patch: Partial<UpgradeRecord>): Promise<UpgradeRecord> {
    const next: UpgradeRecord = { ...record, ...patch };
    await updateState<UpgradeRecord>(this.#store, `history/${record.id}`, () => next);
    return next;
  }

  /** Persists the outcome of an action. */
  async finish(record: UpgradeRecord, outcome: Partial<UpgradeRecord>): Promise<UpgradeRecord> {
    const done: UpgradeRecord = { ...record, ...outcome, finishedAt: this.#now().toISOString() };
    await updateState<UpgradeRecord>(this.#store, `history/${record.id}`, () => done);
    return done;
  }

  /** One record by id (`undefined` when there is none, or the id cannot be a key). */
  async get(id: string): Promise<UpgradeRecord | undefined> {
    if (!HISTORY_ID.test(id)) return undefined;
    return (await this.#store.get<UpgradeRecord>(`history/${id}`))?.value;
  }

  /** Every record, oldest first, optionally of one driver. */
  async list(driverId?: string): Promise<UpgradeRecord[]> {
    const all = (await this.#store.list<UpgradeRecord>('history/')).map((r) => r.value);
    return driverId ? all.filter((r) => r.driverId === driverId) : all;
  }
}
