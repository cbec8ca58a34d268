import { ChassisError } from './chassis-error.js';
import type { ErrorCode } from './registry.js';

/** What to say when an optional peer dependency is not installed. */
export interface OptionalPeerSpec {
  /** The package's name, e.g. `@aws-sdk/client-s3`. */
  readonly package: string;
  /** The typed code of the failure, from the registry. */
  readonly code: ErrorCode;
  /** The message: what needs the package and how to install it. */
  readonly message: string;
}

/**
 * Wraps the dynamic import of an optional peer dependency so that it runs on first use only,
 * is shared by every later caller, and fails with a typed error naming the package when it is
 * not installed. A failed load is forgotten, so a later call retries once the operator has
 * installed the package. The import itself stays in the caller (`() => import('pkg')`), because
 * module resolution is relative to the importing package.
 *
 * Any other failure (a broken install, a syntax error) is rethrown as it is.
 */
export function optionalPeer<T>(load: () => Promise<T>, spec: OptionalPeerSpec): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((cause: unknown) => {
      pending = undefined;
      const code = (cause as { code?: string } | undefined)?.code;
      if (
        (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
        String((cause as Error).message).includes(spec.package)
      ) {
        throw new ChassisError(spec.code, spec.message, {
          details: { package: spec.package },
          cause,
        });
      }
      throw cause;
    });
    return pending;
  };
}
