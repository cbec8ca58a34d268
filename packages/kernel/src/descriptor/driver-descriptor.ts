/** The categories Chassis ranks out of the box; others are registered with a rank. */
export type BuiltinCategory = 'network' | 'storage' | 'hypervisor';

/** A driver category: a built-in one or one registered with a rank. */
export type DriverCategory = BuiltinCategory | (string & {});

/** Where a driver's code runs. `worker` is the default. */
export type IsolationTier = 'in-process' | 'worker' | 'process';

/** The data types a vendor property may have. */
export type PropertyType = 'string' | 'date' | 'number' | 'boolean';

/**
 * One entry of the property descriptor in `driver.yaml`: the metadata used to validate and
 * render vendor-specific configuration.
 */
export interface PropertyDescriptor {
  readonly key: string;
  readonly labelKey: string;
  readonly descriptionKey?: string;
  readonly type: PropertyType;
  readonly required?: boolean;
  readonly maxLength?: number;
  readonly default?: string | number | boolean;
  readonly secret?: boolean;
}

/** An extension point a driver implements, with the contract range it implements. */
export interface ProvidesEntry {
  /** Extension point id, e.g. `storage.primary`. */
  readonly point: string;
  /** Semver range of the contract version implemented, e.g. `^1.0.0`. */
  readonly version: string;
  /** Older contract majors this version can take over resources from (upgrade across majors). */
  readonly handles?: readonly string[];
}

/** Another driver (same category) this one needs, by id and version range. */
export interface RequiresEntry {
  readonly id: string;
  readonly version: string;
}

/** The parsed, schema-valid content of a CAR's `driver.yaml`. */
export interface DriverDescriptor {
  /** Reverse-DNS id, e.g. `com.example.solidfire`. */
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** Semver version of this driver build. */
  readonly version: string;
  readonly vendor: string;
  /** SPDX license id. */
  readonly license: string;
  readonly category: DriverCategory;
  /** Entry module path inside the CAR, under `classes/`. */
  readonly entry: string;
  readonly engines: { readonly chassis: string };
  readonly isolation?: IsolationTier;
  readonly provides: readonly ProvidesEntry[];
  readonly requires?: readonly RequiresEntry[];
  readonly properties?: readonly PropertyDescriptor[];
  /**
   * What the driver asks for beyond the confined process tier's defaults. A request only
   * takes effect when the operator also grants it (kernel config `confinement.drivers`).
   */
  readonly permissions?: DriverPermissions;
}

/**
 * Capabilities a confined driver does not have by default: `driver.yaml`'s `permissions:`
 * block (the vendor's request) and the operator's grant in the kernel config use this shape.
 */
export interface DriverPermissions {
  /** May start child processes (`child_process`). */
  readonly childProcess?: boolean;
  /** May start worker threads (`worker_threads`). */
  readonly worker?: boolean;
  /** May load native addons (`.node` files). */
  readonly addons?: boolean;
  /** Absolute paths (files or folders) it may read besides its own extracted CAR. */
  readonly read?: readonly string[];
}

/** `id@version`: the key of one installed driver version everywhere in Chassis. */
export function driverKey(d: { readonly id: string; readonly version: string }): string {
  return `${d.id}@${d.version}`;
}
