import type { Logger, StateStore } from '@chassis/kernel';
import type { ManagementRuntime } from '@chassis/runtime';
import { LeaderElector, type PostgresDatabase } from '@chassis/state-postgres';
import type { ChangeHub } from '../rollout/change-hub.js';
import { createRolloutMember, type RolloutMember } from '../rollout/rollout-member.js';
import { clusterLifecycle, clusterRolloutRequest } from './cluster-upgrade.js';
import type { ClusterMemberOptions } from './member-options.js';
import { currentLeader } from './member-views.js';
import type { OwnerDirectory } from './owner-directory.js';
import {
  RolloutRequestDesk,
  requestRollout,
  rolloutRecords,
  sendRolloutRequest,
} from './request-desk.js';
import { RolloutPruner } from './rollout-pruner.js';

const DEFAULT_REQUEST_TIMEOUT_MS = 30 * 60_000;

/** What {@link startMemberRollout} needs from the member composition. */
export interface MemberRolloutContext {
  readonly memberId: string;
  readonly db: PostgresDatabase;
  /** The member's fenced shared store. */
  readonly store: StateStore;
  readonly runtime: ManagementRuntime;
  /** Fed by the member's one (already started) `ChangeFeed`. */
  readonly hub: ChangeHub;
  readonly owners: OwnerDirectory;
  /** This member's reconciliation pass and lease check, for the rollout worker. */
  readonly settle: () => Promise<void>;
  readonly owns: (resourceId: string) => boolean;
  /** The leader election's retry period (the member's tick). */
  readonly tickMs: number;
  readonly logger: Logger;
  readonly options: NonNullable<ClusterMemberOptions['rollout']>;
  /**
   * The member's clean-up list: each part started here is put in front of it as soon as it
   * runs, so a later start failure (or the member's stop) undoes it.
   */
  readonly cleanup: (() => Promise<unknown> | unknown)[];
}

/** The rollout side of a running member, as {@link startMemberRollout} leaves it. */
export interface MemberRollout {
  readonly rollout: RolloutMember;
  readonly desk: RolloutRequestDesk;
  readonly pruner: RolloutPruner;
  readonly elector: LeaderElector;
}

/**
 * Starts the cluster-wide lifecycle of one member: its rollout worker and coordinator, the
 * request desk (upgrades sent to other members, run here while this member leads), the pruner
 * of finished rollouts, and the leader election that switches them; then points the runtime's
 * `upgrade`/`rollback` (and their accepted forms and status) at the leader's coordinator.
 */
export async function startMemberRollout(ctx: MemberRolloutContext): Promise<MemberRollout> {
  const { memberId: id, db, store, runtime, hub, owners, logger, cleanup } = ctx;
  const {
    requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    retention,
    ...rolloutOptions
  } = ctx.options;
  const rollout = createRolloutMember({
    store,
    memberId: id,
    runtime,
    // Read only once started, after the elector below exists.
    isLeader: () => elector.isLeader,
    hub,
    logger,
    // An owner leaving mid-rollout: its resources are re-assigned to their new owners, which
    // open them (on the version their record names) in a reconciliation pass.
    ownership: () => owners.snapshot(0),
    local: { settle: ctx.settle, owns: ctx.owns },
    ...rolloutOptions,
  });
  // Upgrades and rollbacks sent to other members, run here while this member leads.
  const desk = new RolloutRequestDesk({
    store,
    memberId: id,
    isLeader: () => elector.isLeader,
    coordinator: rollout.coordinator,
    plan: (r) => clusterRolloutRequest({ runtime, owners: () => owners.snapshot(0) }, r),
    hub,
    logger,
    ...(rolloutOptions.workerPollMs ? { pollMs: rolloutOptions.workerPollMs } : {}),
  });
  await rollout.start();
  cleanup.unshift(() => rollout.stop());
  desk.start();
  cleanup.unshift(() => desk.stop());
  // Finished rollouts and their requests are pruned by the leader, after each one ends too.
  const pruner = new RolloutPruner({
    store,
    isLeader: () => elector.isLeader,
    logger,
    ...(retention ? { retention } : {}),
  });
  const ended = rollout.coordinator.events$.subscribe((r) => {
    if (r.state !== 'running') pruner.schedule();
  });
  pruner.start();
  cleanup.unshift(() => {
    ended.unsubscribe();
    return pruner.stop();
  });
  const elector = new LeaderElector(db, {
    id,
    retryMs: ctx.tickMs,
    onChange: (l) => {
      logger.info({ member: id, leader: l }, 'cluster leadership changed');
      rollout.onLeaderChange(l);
      if (l) void desk.scan();
    },
  });
  await elector.start();
  cleanup.unshift(() => elector.stop());
  // Whole-driver upgrades and rollbacks go through the leader's coordinator (cluster-wide);
  // sent here while another member leads, they become a request the leader runs.
  const poll = rolloutOptions.moverPollMs ? { pollMs: rolloutOptions.moverPollMs } : {};
  const lifecycle = clusterLifecycle({
    memberId: id,
    runtime,
    coordinator: rollout.coordinator,
    isLeader: () => elector.isLeader,
    leader: () => currentLeader(db),
    owners: () => owners.snapshot(0),
    viaLeader: (input) =>
      requestRollout({ store, memberId: id, hub, timeoutMs: requestTimeoutMs, ...poll }, input),
    sendViaLeader: (input) =>
      sendRolloutRequest({ store, memberId: id, timeoutMs: requestTimeoutMs }, input),
    records: (rid) => rolloutRecords(store, rid),
    logger,
  });
  runtime.upgrade = lifecycle.upgrade;
  runtime.rollback = lifecycle.rollback;
  runtime.submitUpgrade = lifecycle.submitUpgrade;
  runtime.submitRollback = lifecycle.submitRollback;
  runtime.upgradeStatus = lifecycle.upgradeStatus;
  return { rollout, desk, pruner, elector };
}
