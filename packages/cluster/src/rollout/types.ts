import type { SerializedError } from '@chassis/kernel';
import type { RolloutPolicy } from '@chassis/runtime';

/** One resource of a cluster rollout and the member that owns it (and so moves it). */
export interface OwnedResource {
  readonly id: string;
  readonly owner: string;
}

/** The resources one member moves in one step (one request). */
export interface MemberBatch {
  readonly member: string;
  /** Resource ids, sorted. */
  readonly resources: readonly string[];
  /**
   * 0 (absent) for the plan's own batches; a re-plan (an owner left during the step) gives the
   * new owners' batches the next round, so their requests have keys of their own.
   */
  readonly round?: number;
}

/** One resource of a step, with the member (and request round) that moves it now. */
export interface StepMove {
  readonly resource: string;
  readonly member: string;
  readonly round?: number;
}

/** One step of a cluster rollout: every batch of it runs at once, then the next step starts. */
export interface ClusterRolloutStep {
  readonly index: number;
  /**
   * Resources of this step, in plan order (counted across the whole cluster), each with the
   * member that moves it now (a re-plan changes the member, never the step).
   */
  readonly moves: readonly StepMove[];
  /**
   * Every request of the step: the moves grouped by member, members sorted, then the batches a
   * re-plan added (one per new owner and round).
   */
  readonly batches: readonly MemberBatch[];
  /** The new version's health check runs after the step (on every member that moved). */
  readonly healthCheck: boolean;
}

/** What {@link planClusterRollout} computes: pure data, stored with the rollout record. */
export interface ClusterRolloutPlan {
  readonly driverId: string;
  readonly from: string;
  readonly to: string;
  readonly policy: RolloutPolicy;
  readonly steps: readonly ClusterRolloutStep[];
  /** Every member that makes `to` its active version once all resources moved, sorted. */
  readonly members: readonly string[];
}

/** Where a rollout is: the coordinator's state machine, persisted in the record. */
export type RolloutPhase = 'moving' | 'rolling-back' | 'committing';

/** The outcome of a rollout (`running` until the coordinator closes it). */
export type RolloutState = 'running' | 'succeeded' | 'rolled-back' | 'failed';

/** Status of one step of the plan. */
export type StepStatus = 'pending' | 'running' | 'done' | 'failed';

/** Per-resource result, written after each answer of its member. */
export interface ResourceOutcome {
  readonly member: string;
  /**
   * `moving`: requested, answer not recorded yet (may or may not have moved). `deleted`: its
   * record was deleted during the rollout (nothing left to move).
   */
  readonly status: 'pending' | 'moving' | 'moved' | 'failed' | 'rolled-back' | 'deleted';
  /** The version the resource is bound to, as its member last reported. */
  readonly version: string;
  readonly pausedMs?: number;
  readonly error?: SerializedError;
}

/** How a new leader closed a rollout it found `running`. */
export interface RolloutRecovery {
  readonly outcome: 'completed' | 'rolled-back';
  /** The member that took over, and the epoch it took over with. */
  readonly by: string;
  readonly epoch: number;
  readonly at: string;
}

/**
 * The durable record of one cluster rollout (`rollouts/<id>`): written before the rollout is
 * acknowledged, then compare-and-set by the leader on every change. `epoch` is the fencing
 * token: a new leader bumps it when it adopts the record, so the old leader's next write
 * conflicts and it stops.
 */
export interface ClusterRolloutRecord {
  readonly id: string;
  /** What the operator asked for (absent in records written before it was recorded: upgrade). */
  readonly action?: 'upgrade' | 'rollback';
  readonly driverId: string;
  readonly from: string;
  readonly to: string;
  readonly principal: string;
  readonly plan: ClusterRolloutPlan;
  readonly leader: string;
  readonly epoch: number;
  readonly state: RolloutState;
  readonly phase: RolloutPhase;
  readonly steps: readonly StepStatus[];
  readonly resources: Readonly<Record<string, ResourceOutcome>>;
  /** Members that made `to` active (phase `committing`). */
  readonly committed: readonly string[];
  /**
   * Members of the plan that left the cluster during the rollout (not alive): their resources
   * were re-assigned to the new owners and they are not asked to commit (a member that comes
   * back loads the active version from the driver record).
   */
  readonly departed?: readonly string[];
  /** Every re-assignment of a resource to a new owner, in order (see `settleStep`). */
  readonly reassigned?: readonly Reassignment[];
  readonly error?: SerializedError;
  readonly recovery?: RolloutRecovery;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
}

/** One resource of a step handed to its new owner because the old one left or no longer serves it. */
export interface Reassignment {
  readonly step: number;
  readonly resource: string;
  readonly from: string;
  readonly to: string;
  readonly round: number;
}

/**
 * What the leader read of the cluster while a step or the commit waits, ownership first and the
 * resource records after: once another member holds a resource's live lease, its old owner's
 * writes are fenced, so the record read afterwards is final as far as the old owner goes.
 */
export interface ClusterFacts {
  /** The live owner (an alive member holding a live lease) of each resource. */
  readonly owners: ReadonlyMap<string, string>;
  /** Alive members. */
  readonly alive: ReadonlySet<string>;
  /** Resources (among those asked about) whose `resources/<id>` record still exists. */
  readonly present: ReadonlySet<string>;
}

/** What the leader asks one member to do. */
export type MoveKind = 'move' | 'rollback' | 'commit';

/** One request to one member (`rollouts/<id>/…/<member>` in the store implementation). */
export interface MoveRequest {
  readonly rolloutId: string;
  readonly kind: MoveKind;
  /** Step index for `move`; the epoch for `rollback` (one rollback per leader); 0 for `commit`. */
  readonly n: number;
  readonly member: string;
  readonly driverId: string;
  /** The version the resources go to (`from` for a rollback). */
  readonly to: string;
  /** Resources to move; empty for `commit` (the member's remaining ones move with it). */
  readonly resources: readonly string[];
  readonly epoch: number;
  /** A step's re-plan round (absent: 0), part of the request's key. */
  readonly round?: number;
}

/** One resource a member moved. */
export interface MovedResource {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly pausedMs?: number;
}

/** A member's answer. A failed move was already rolled back on that member by its runtime. */
export interface MoveResult {
  readonly ok: boolean;
  /** Resources now bound to the request's `to` (including those already there). */
  readonly moved: readonly MovedResource[];
  readonly error?: SerializedError;
  /** `true`: the request was obsolete when the member saw it and nothing was done. */
  readonly skipped?: boolean;
  /**
   * Resources this member does not serve (their ownership moved away, or it never got them):
   * nothing was done for them. The leader re-assigns them to their owner; it is no failure.
   */
  readonly notServed?: readonly string[];
}

/**
 * How the leader gets a member to move its resources. Implementations must be idempotent per
 * request (a new leader re-sends what the old one may have sent) and bounded (an answer, a
 * failure, or `CHASSIS_E_CLUSTER_MEMBER_TIMEOUT`; never a hang past `signal`).
 */
export interface MemberMover {
  move(request: MoveRequest, signal: AbortSignal): Promise<MoveResult>;
}

/**
 * What a member does with a request, on its own runtime. Idempotent: resources already on the
 * target are reported as moved, a driver whose active version is already `to` commits nothing.
 */
export interface LocalMover {
  /** Moves exactly these resources to `to` (one local partial upgrade with its health check). */
  move(driverId: string, to: string, resources: readonly string[]): Promise<MoveResult>;
  /** Makes `to` the active version here (moving whatever is still on the old one). */
  commit(driverId: string, to: string): Promise<MoveResult>;
}
