import type { Logger, StateStore } from '@chassis/kernel';
import type { ChangeHub } from './change-hub.js';
import { RolloutCoordinator } from './coordinator.js';
import type { OwnershipReader } from './phase-runner.js';
import { type MoverRuntime, type RuntimeMoverOptions, runtimeMover } from './runtime-mover.js';
import { StoreMemberMover } from './store-mover.js';
import type { MemberMover } from './types.js';
import { RolloutWorker } from './worker.js';

/** Options of {@link createRolloutMember}. */
export interface RolloutMemberOptions {
  /** The shared store (`PostgresStateStore`): rollout records and requests live there. */
  readonly store: StateStore;
  readonly memberId: string;
  /** This member's runtime (`server.runtime`). */
  readonly runtime: MoverRuntime;
  /** `() => elector.isLeader`. */
  readonly isLeader: () => boolean;
  /** Fed by the member's one `ChangeFeed` (`onChange: hub.emit`). */
  readonly hub?: ChangeHub;
  /** How long the leader waits for one member's answer (default 60 s). */
  readonly stepTimeoutMs?: number;
  /** Worker scan / coordinator re-read periods (defaults 2 s / 500 ms). */
  readonly workerPollMs?: number;
  readonly moverPollMs?: number;
  /** The leader's look for orphaned rollouts (default 5 s). */
  readonly resumeEveryMs?: number;
  /** Replaces the store-backed mover (e.g. a wrapper in tests). */
  readonly mover?: (base: MemberMover) => MemberMover;
  readonly installed?: (driverId: string) => readonly string[] | undefined;
  /**
   * Owners and alive members now (uncached): the coordinator re-assigns the resources of an
   * owner that leaves mid-rollout (see `RolloutCoordinatorOptions.ownership`).
   */
  readonly ownership?: OwnershipReader;
  /** The coordinator's look at the members while it waits (default 500 ms). */
  readonly watchMs?: number;
  /** How long a resource may wait for a new owner (default 60 s). */
  readonly ownerWaitMs?: number;
  /** This member's reconciliation and lease check, for the worker (see `runtimeMover`). */
  readonly local?: Pick<RuntimeMoverOptions, 'settle' | 'owns'>;
  readonly logger?: Logger;
}

/** The rollout side of one cluster member: its worker, and its coordinator for when it leads. */
export interface RolloutMember {
  readonly coordinator: RolloutCoordinator;
  readonly worker: RolloutWorker;
  /** Pass every leadership change here (from `LeaderElector`'s `onChange`). */
  onLeaderChange(leader: boolean): void;
  /** Starts the worker (scans for requests it missed) and the leader's periodic resume. */
  start(): Promise<void>;
  /** Stops both; the request in progress finishes first. */
  stop(): Promise<void>;
}

/**
 * Composes the worker and the coordinator of one member over the shared store, the way the
 * member composition wires them: `onLeaderChange(true)` resumes every `running` rollout,
 * `onLeaderChange(false)` stops coordinating at once (the next leader adopts).
 */
export function createRolloutMember(o: RolloutMemberOptions): RolloutMember {
  const hub = o.hub ? { hub: o.hub } : {};
  const logger = o.logger ? { logger: o.logger } : {};
  const worker = new RolloutWorker({
    store: o.store,
    memberId: o.memberId,
    local: runtimeMover(o.runtime, o.local ?? {}),
    ...hub,
    ...logger,
    ...(o.workerPollMs ? { pollMs: o.workerPollMs } : {}),
  });
  const base = new StoreMemberMover({
    store: o.store,
    ...hub,
    ...(o.stepTimeoutMs ? { timeoutMs: o.stepTimeoutMs } : {}),
    ...(o.moverPollMs ? { pollMs: o.moverPollMs } : {}),
  });
  const coordinator = new RolloutCoordinator({
    store: o.store,
    memberId: o.memberId,
    isLeader: o.isLeader,
    mover: o.mover ? o.mover(base) : base,
    ...logger,
    ...(o.installed ? { installed: o.installed } : {}),
    ...(o.resumeEveryMs ? { resumeEveryMs: o.resumeEveryMs } : {}),
    ...(o.ownership ? { ownership: o.ownership } : {}),
    ...(o.watchMs ? { watchMs: o.watchMs } : {}),
    ...(o.ownerWaitMs ? { ownerWaitMs: o.ownerWaitMs } : {}),
  });
  return {
    coordinator,
    worker,
    onLeaderChange(leader) {
      if (leader) void coordinator.resume();
      else coordinator.stepDown();
    },
    async start() {
      await worker.start();
      coordinator.start();
    },
    async stop() {
      coordinator.stop();
      await worker.stop();
    },
  };
}
