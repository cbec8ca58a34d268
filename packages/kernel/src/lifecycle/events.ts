import type { SerializedError } from '../errors/chassis-error.js';
import type { DriverState } from './states.js';

/**
 * One lifecycle transition of one driver version. Plain data, so it can cross worker,
 * process and HTTP boundaries as it is.
 */
export interface LifecycleEvent {
  /** Driver id, e.g. `com.example.solidfire`. */
  readonly driver: string;
  readonly version: string;
  readonly from: DriverState;
  readonly to: DriverState;
  /** ISO-8601 time of the transition. */
  readonly at: string;
  /** Why the driver moved (always set by the runner for `Failed`). */
  readonly cause?: SerializedError;
}

/** The current state of one driver version, as seen by late subscribers. */
export interface DriverLifecycleState {
  readonly driver: string;
  readonly version: string;
  readonly state: DriverState;
  /** ISO-8601 time the driver entered `state`. */
  readonly since: string;
  /** The cause of the last transition into `state`, if one was given. */
  readonly cause?: SerializedError;
}

/** Current state of every known driver version, keyed by `driverKey({ id, version })`. */
export type LifecycleSnapshot = ReadonlyMap<string, DriverLifecycleState>;
