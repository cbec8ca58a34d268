import semver from 'semver';
import { ChassisError } from '../errors/chassis-error.js';

declare const CONTRACT: unique symbol;

/**
 * A typed token for an extension point. `T` is the contract drivers implement; it exists only
 * in the type (a phantom), so tokens are plain data and compare by id across CARs and workers.
 */
export interface ExtensionPoint<T> {
  readonly id: string;
  /** Semver of the contract this host speaks, e.g. `1.2.0`. */
  readonly version: string;
  /**
   * Methods of the contract that only read (no side effect on the device): an operator may run
   * them to test a resource (`chassis resources test --operation stats`). Empty when absent.
   */
  readonly safe?: readonly string[];
  readonly [CONTRACT]?: T;
}

/** Options of {@link createExtensionPoint}. */
export interface ExtensionPointOptions {
  /** Read-only methods of the contract (see {@link ExtensionPoint.safe}). */
  readonly safe?: readonly string[];
}

const ID_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** Makes a typed extension point token; throws `CHASSIS_E_EXT_INVALID_POINT` on a bad id or version. */
export function createExtensionPoint<T>(
  id: string,
  version: string,
  options: ExtensionPointOptions = {},
): ExtensionPoint<T> {
  if (!ID_PATTERN.test(id)) {
    throw new ChassisError(
      'CHASSIS_E_EXT_INVALID_POINT',
      `Extension point id "${id}" must be dot-separated lower-case words (e.g. "storage.primary")`,
      {
        details: { id },
      },
    );
  }
  if (semver.valid(version) === null) {
    throw new ChassisError(
      'CHASSIS_E_EXT_INVALID_POINT',
      `Extension point "${id}" has contract version "${version}", which is not semver (e.g. "1.0.0")`,
      {
        details: { id, version },
      },
    );
  }
  return Object.freeze({
    id,
    version,
    ...(options.safe ? { safe: Object.freeze([...options.safe]) } : {}),
  }) as ExtensionPoint<T>;
}
