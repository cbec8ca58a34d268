import type { RequiresEntry } from '../descriptor/driver-descriptor.js';
import type { ChassisError } from '../errors/chassis-error.js';

/** What ordering needs to know about one driver (a subset of its descriptor). */
export interface OrderNode {
  readonly id: string;
  readonly version: string;
  readonly category: string;
  /** Drivers of the same category this one needs started first, by id and semver range. */
  readonly requires?: readonly RequiresEntry[];
}

/** A driver that cannot be ordered, with the reason (a `CHASSIS_E_ORDER_*` error). */
export interface OrderFailure {
  readonly node: OrderNode;
  readonly error: ChassisError;
}

/**
 * The result of {@link planOrder}. `start` and `stop` hold the input node objects (not copies);
 * `stop` is exactly `start` reversed; `failed` is sorted by id then version.
 */
export interface OrderPlan {
  readonly start: readonly OrderNode[];
  readonly stop: readonly OrderNode[];
  readonly failed: readonly OrderFailure[];
}

/** Options for {@link planOrder}. */
export interface PlanOrderOptions {
  /** Extra (or overriding) category ranks on top of {@link DEFAULT_CATEGORY_RANKS}. */
  readonly ranks?: Readonly<Record<string, number>>;
}
