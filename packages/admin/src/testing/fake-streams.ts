import type { LifecycleEvent } from '@chassis/kernel';
import type { UpdateNotice, UpgradeRecord } from '@chassis/runtime';
import { Subject } from 'rxjs';

/** The three event streams of the fake runtime, as subjects the fake pushes into. */
export interface FakeStreams {
  readonly lifecycle$: Subject<LifecycleEvent>;
  readonly upgrades$: Subject<UpgradeRecord>;
  readonly updates$: Subject<readonly UpdateNotice[]>;
}

/** Creates the fake runtime's event subjects, none subscribed yet. */
export function createFakeStreams(): FakeStreams {
  return {
    lifecycle$: new Subject<LifecycleEvent>(),
    upgrades$: new Subject<UpgradeRecord>(),
    updates$: new Subject<readonly UpdateNotice[]>(),
  };
}

/** How many subscribers the three streams have together (tests check for leaks with it). */
export function observerCount(streams: FakeStreams): number {
  return (
    countObservers(streams.lifecycle$) +
    countObservers(streams.upgrades$) +
    countObservers(streams.updates$)
  );
}

function countObservers(subject: object): number {
  // rxjs keeps current observers on the (internal, but stable since 7.0) `observers` array.
  return (subject as unknown as { observers: unknown[] }).observers.length;
}
