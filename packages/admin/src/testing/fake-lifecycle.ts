import {
  canTransition,
  type DriverState,
  type LifecycleEvent,
  serializeError,
} from '@chassis/kernel';
import {
  driverOf,
  type FakeState,
  type FakeVersion,
  fail,
  isoNow,
  pause,
  versionOf,
} from './fake-state.js';

/**
 * Moves `v` (version `version` of driver `id`) to `to` without checking the transition: records
 * the event in the driver's history (the last 200) and emits it on `lifecycle$`.
 */
export function emit(
  s: FakeState,
  id: string,
  version: string,
  v: FakeVersion,
  to: DriverState,
  cause?: unknown,
): void {
  const event: LifecycleEvent = {
    driver: id,
    version,
    from: v.state,
    to,
    at: isoNow(),
    ...(cause === undefined ? {} : { cause: serializeError(cause) }),
  };
  v.state = to;
  if (to === 'Failed') v.failure = event.cause;
  else delete v.failure;
  const list = s.history.get(id) ?? [];
  list.push(event);
  if (list.length > 200) list.shift();
  s.history.set(id, list);
  s.lifecycle$.next(event);
}

/**
 * Walks `id@version` through `path`, one paused step at a time; throws
 * `CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION` at the first step the lifecycle does not allow.
 */
export async function move(
  s: FakeState,
  id: string,
  version: string,
  path: readonly DriverState[],
): Promise<void> {
  const v = versionOf(driverOf(s, id), version);
  for (const to of path) {
    if (!canTransition(v.state, to)) {
      fail('CHASSIS_E_LIFECYCLE_ILLEGAL_TRANSITION', `${id}@${version}: ${v.state} → ${to}`, {
        driver: id,
        version,
        from: v.state,
        to,
      });
    }
    await pause(s);
    emit(s, id, version, v, to);
  }
}
