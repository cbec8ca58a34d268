import { driverKey } from '../descriptor/driver-descriptor.js';
import { ChassisError } from '../errors/chassis-error.js';
import { groupByRank, type OrderNode, planOrder, reverseStartOrder } from '../ordering/index.js';
import type { LifecycleManager } from './manager.js';
import { canTransition } from './states.js';
import { runStep } from './step.js';

/**
 * One driver as the runner sees it: its place in the order plus how to start and stop it.
 * Deliberately generic (no loader types): the kernel stays pure, the runtime adapts its
 * loaded drivers to this shape.
 */
export interface LifecycleEntry extends OrderNode {
  /** Brings the driver up; should honour `signal` (aborted at `startTimeoutMs`). */
  start(signal: AbortSignal): Promise<void>;
  /** Takes the driver down; should honour `signal` (aborted at `stopTimeoutMs`). */
  stop(signal: AbortSignal): Promise<void>;
}

/** Options for {@link startDrivers} and {@link stopDrivers}. */
export interface RunnerOptions {
  /** Where the drivers are registered; every move goes through it (and is published). */
  readonly lifecycle: LifecycleManager;
  /** Per-driver deadline of `start()`. Default {@link DEFAULT_STEP_TIMEOUT_MS}. */
  readonly startTimeoutMs?: number;
  /** Per-driver deadline of `stop()`. Default {@link DEFAULT_STEP_TIMEOUT_MS}. */
  readonly stopTimeoutMs?: number;
  /** Ranks of categories beyond network/storage/hypervisor, passed to `planOrder`. */
  readonly ranks?: Readonly<Record<string, number>>;
}

/** A driver version named in a runner result. */
export interface DriverRef {
  readonly driver: string;
  readonly version: string;
}

/** A driver the runner could not start or stop, and why. */
export interface DriverFailure extends DriverRef {
  readonly error: ChassisError;
}

/** What {@link startDrivers} did, each list in the order it happened. */
export interface StartResult {
  /** Drivers now `Running`, in start order (stop them in reverse). */
  readonly started: readonly DriverRef[];
  /** Drivers not started: planning failures first, then step failures in start order. */
  readonly failed: readonly DriverFailure[];
  /** Drivers left alone because they were already `Running` or `Suspended`. */
  readonly skipped: readonly DriverRef[];
}

/** What {@link stopDrivers} did, each list in the order it happened. */
export interface StopResult {
  /** Drivers now `Stopped`, in stop order. */
  readonly stopped: readonly DriverRef[];
  /** Drivers whose `stop()` threw or timed out (now `Failed`). */
  readonly failed: readonly DriverFailure[];
  /** Drivers left alone because they were not `Running` or `Suspended`. */
  readonly skipped: readonly DriverRef[];
}

/** Default per-driver deadline of one step. */
export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

/**
 * Starts drivers in `planOrder` order: `Loaded|Stopped|Failed → Starting → Running`. Category
 * ranks run one after the other; inside a rank, drivers that do not depend on each other start
 * in parallel and each driver starts as soon as the drivers it requires are `Running`
 * (`groupByRank`). Drivers the plan rejects (cycle, missing dependency, ...) go to `Failed` with
 * the plan's error; a driver whose `start()` throws or overruns `startTimeoutMs` goes to `Failed`
 * and the others still start, except its dependents, which fail with
 * `CHASSIS_E_ORDER_MISSING_DEP` (cause: the dependency's error) without being started.
 * Drivers already `Running`/`Suspended` are skipped and count as available dependencies.
 * `started` lists drivers in the order their starts completed, which is also the order
 * {@link stopDrivers} reverses. Never rejects for a single driver's fault.
 */
export async function startDrivers(
  entries: readonly LifecycleEntry[],
  options: RunnerOptions,
): Promise<StartResult> {
  const { lifecycle } = options;
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const byKey = new Map(entries.map((e) => [driverKey(e), e]));
  const plan = planOrder(entries, options.ranks ? { ranks: options.ranks } : undefined);
  const started: DriverRef[] = [];
  const failed: DriverFailure[] = [];
  const skipped: DriverRef[] = [];
  const available = new Set<string>();
  const failures = new Map<string, ChassisError>();

  const fail = (node: OrderNode, error: ChassisError): void => {
    failures.set(node.id, error);
    failed.push({ ...ref(node), error });
    moveToFailed(lifecycle, node, error);
  };

  for (const { node, error } of plan.failed) fail(node, error);
  for (const node of plan.start) {
    if (!byKey.has(driverKey(node))) {
      throw new ChassisError(
        'CHASSIS_E_INTERNAL',
        `planOrder returned ${driverKey(node)}, which was not among the entries to start.`,
        { details: { driver: node.id, version: node.version } },
      );
    }
  }

  // Never rejects: every outcome is recorded in started/failed/skipped.
  const startOne = async (node: OrderNode): Promise<void> => {
    const entry = byKey.get(driverKey(node))!;
    const current = lifecycle.get(node.id, node.version)?.state;
    if (current === 'Running' || current === 'Suspended') {
      available.add(node.id);
      skipped.push(ref(node));
      return;
    }
    const missing = (node.requires ?? []).find((r) => !available.has(r.id));
    if (missing) {
      fail(node, missingDependency(node, missing, failures.get(missing.id)));
      return;
    }
    try {
      // Throws (unknown driver, or not in a startable state) before anything runs.
      lifecycle.transition(node.id, node.version, 'Starting');
    } catch (error) {
      failures.set(node.id, error as ChassisError);
      failed.push({ ...ref(node), error: error as ChassisError });
      return;
    }
    try {
      await runStep(node, 'start', timeoutMs, (signal) => entry.start(signal));
      lifecycle.transition(node.id, node.version, 'Running');
      available.add(node.id);
      started.push(ref(node));
    } catch (error) {
      fail(node, error as ChassisError);
    }
  };

  for (const group of groupByRank(plan.start, options.ranks)) {
    const done: Promise<void>[] = [];
    group.nodes.forEach((node, i) => {
      done.push(Promise.all(group.after[i].map((j) => done[j])).then(() => startOne(node)));
    });
    await Promise.all(done);
  }
  return { started, failed, skipped };
}

function missingDependency(
  node: OrderNode,
  missing: { readonly id: string; readonly version: string },
  cause: ChassisError | undefined,
): ChassisError {
  return new ChassisError(
    'CHASSIS_E_ORDER_MISSING_DEP',
    `Driver ${driverKey(node)} was not started: it requires ${missing.id} ${missing.version}, which is not running${cause ? ` (${cause.code})` : ''}.`,
    {
      details: {
        driver: node.id,
        version: node.version,
        dependency: missing.id,
        range: missing.version,
      },
      ...(cause ? { cause } : {}),
    },
  );
}

/**
 * Stops drivers in the exact reverse of the order their starts actually completed (as the
 * lifecycle manager recorded it; drivers with no recorded start follow in `planOrder(...).stop`
 * order), one at a time: `Running|Suspended → Stopping → Stopped`. A driver whose `stop()` throws or overruns
 * `stopTimeoutMs` goes to `Failed` and the others are still stopped. Drivers in any other
 * state (never started, already stopped, failed) are skipped. Never rejects for a single
 * driver's fault.
 */
export async function stopDrivers(
  entries: readonly LifecycleEntry[],
  options: RunnerOptions,
): Promise<StopResult> {
  const { lifecycle } = options;
  const timeoutMs = options.stopTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const byKey = new Map(entries.map((e) => [driverKey(e), e]));
  const plan = planOrder(entries, options.ranks ? { ranks: options.ranks } : undefined);
  const stopped: DriverRef[] = [];
  const failed: DriverFailure[] = [];
  const skipped: DriverRef[] = [];

  const order = reverseStartOrder(plan.stop, (n) => lifecycle.startOrder(n.id, n.version));
  for (const node of order) {
    const entry = byKey.get(driverKey(node));
    const current = lifecycle.get(node.id, node.version)?.state;
    if (!entry || (current !== 'Running' && current !== 'Suspended')) {
      skipped.push(ref(node));
      continue;
    }
    lifecycle.transition(node.id, node.version, 'Stopping');
    try {
      await runStep(node, 'stop', timeoutMs, (signal) => entry.stop(signal));
      lifecycle.transition(node.id, node.version, 'Stopped');
      stopped.push(ref(node));
    } catch (error) {
      failed.push({ ...ref(node), error: error as ChassisError });
      moveToFailed(lifecycle, node, error as ChassisError);
    }
  }
  // Drivers the plan rejected were never started by this order; name them so nothing vanishes.
  for (const { node } of plan.failed) skipped.push(ref(node));
  return { stopped, failed, skipped };
}

// Tolerates drivers that are unknown or already Failed/Unloaded: recording the failure in the
// result must not itself throw and abort the run for everyone else.
function moveToFailed(lifecycle: LifecycleManager, node: OrderNode, error: ChassisError): void {
  const state = lifecycle.get(node.id, node.version)?.state;
  if (state !== undefined && canTransition(state, 'Failed')) {
    lifecycle.transition(node.id, node.version, 'Failed', error);
  }
}

function ref(node: OrderNode): DriverRef {
  return { driver: node.id, version: node.version };
}
