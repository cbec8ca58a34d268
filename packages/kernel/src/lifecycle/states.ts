/** The states of the one lifecycle machine every driver version goes through. */
export const DriverStates = [
  'Discovered',
  'Verified',
  'Resolved',
  'Loaded',
  'Starting',
  'Running',
  'Suspended',
  'Stopping',
  'Stopped',
  'Unloaded',
  'Failed',
] as const;

/** One lifecycle state. */
export type DriverState = (typeof DriverStates)[number];

/**
 * Legal transitions. `Failed` is reachable from every active state and can be retried
 * (`Starting`, after a backoff) or unloaded; `Unloaded` is terminal (a reinstall is a new
 * `Discovered` instance).
 */
export const TRANSITIONS: Readonly<Record<DriverState, readonly DriverState[]>> = {
  Discovered: ['Verified', 'Failed'],
  Verified: ['Resolved', 'Failed'],
  Resolved: ['Loaded', 'Failed'],
  Loaded: ['Starting', 'Unloaded', 'Failed'],
  Starting: ['Running', 'Failed'],
  Running: ['Suspended', 'Stopping', 'Failed'],
  Suspended: ['Running', 'Stopping', 'Failed'],
  Stopping: ['Stopped', 'Failed'],
  Stopped: ['Starting', 'Unloaded', 'Failed'],
  Failed: ['Resolved', 'Starting', 'Stopped', 'Unloaded'],
  Unloaded: [],
};

/** True when `from → to` is a legal transition. */
export function canTransition(from: DriverState, to: DriverState): boolean {
  return TRANSITIONS[from].includes(to);
}
