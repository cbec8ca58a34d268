import type { DriverCategory } from '../descriptor/driver-descriptor.js';
import type { ExtensionPoint } from '../extension/extension-point.js';
import type { OperationArgs, OperationName, OperationResult } from './operation-types.js';
import type { FacadeCallOptions, FacadeRouter } from './router.js';

/**
 * A {@link FacadeRouter} bound to one extension point and category, typed by the point's
 * contract: `channel.call(poolId, 'createVolume', [spec])` checks the method name, its arguments
 * and its result type against `T`. Facade classes are thin wrappers around one channel.
 */
export class FacadeChannel<T> {
  constructor(
    readonly router: FacadeRouter,
    readonly point: ExtensionPoint<T>,
    readonly category: DriverCategory,
  ) {}

  /** Runs `method` on the driver serving `resourceId`; see {@link FacadeRouter.call}. */
  call<M extends OperationName<T>>(
    resourceId: string,
    method: M,
    args: OperationArgs<T[M]>,
    options: FacadeCallOptions = {},
  ): Promise<OperationResult<T[M]>> {
    return this.router.call<OperationResult<T[M]>>(resourceId, this.point, method, args, {
      ...options,
      category: this.category,
    });
  }
}
