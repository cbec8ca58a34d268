import { ChassisError, type PropertyBag, validateProperties } from '@chassis/kernel';
import type { LoadedVersion } from '../manager/types.js';

/** What validating a bag needs of a version: its property descriptor and messages. */
export type BagVersion = Pick<LoadedVersion, 'descriptor' | 'messages'>;

/** Validates a stored or changed bag against a version's descriptor (dates as ISO strings). */
export function validateBag(v: BagVersion, bag: Readonly<Record<string, unknown>>): PropertyBag {
  const plain: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(bag))
    plain[k] = value instanceof Date ? value.toISOString() : value;
  return validateProperties(v.descriptor.properties ?? [], plain, {
    messages: v.messages,
    driver: v.descriptor.id,
  });
}

/**
 * The validated configuration of each resource, for the version it was last validated against:
 * what the facade router hands a driver. Re-validated lazily when the serving version changed.
 */
export class ValidatedBags {
  readonly #bags = new Map<string, { readonly version: string; readonly bag: PropertyBag }>();

  /** Keeps `bag` (already valid) as the configuration of `id` for `version`. */
  set(id: string, version: string, bag: PropertyBag): void {
    this.#bags.set(id, { version, bag });
  }

  /** Validates `bag` for `v` (the version `id` is bound to) and keeps it. */
  validate(id: string, version: string, v: BagVersion, bag: Readonly<Record<string, unknown>>) {
    this.#bags.set(id, { version, bag: validateBag(v, bag) });
  }

  delete(id: string): void {
    this.#bags.delete(id);
  }

  /**
   * The bag of `id` valid for `version`, re-validated (defaults filled) when the version
   * changed and `loaded(version)` is loaded here; the last bag otherwise.
   */
  fit(
    id: string,
    version: string,
    loaded: (version: string) => BagVersion | undefined,
  ): PropertyBag | undefined {
    const current = this.#bags.get(id);
    if (!current || current.version === version) return current?.bag;
    const v = loaded(version);
    if (!v) return current.bag;
    const bag = validateBag(v, current.bag);
    this.#bags.set(id, { version, bag });
    return bag;
  }

  /**
   * Every configuration among `resourceIds` that is not valid for a target descriptor, with
   * its violations (pure check: nothing is stored or moved).
   */
  invalidFor(
    resourceIds: readonly string[],
    target: BagVersion,
  ): { resource: string; violations: unknown }[] {
    const failures: { resource: string; violations: unknown }[] = [];
    for (const id of resourceIds) {
      const current = this.#bags.get(id);
      if (!current) continue;
      try {
        validateBag(target, current.bag);
      } catch (err) {
        if (!ChassisError.is(err, 'CHASSIS_E_PROPS_INVALID')) throw err;
        failures.push({ resource: id, violations: err.details.violations });
      }
    }
    return failures;
  }

  /**
   * Before resources move to `to`: every configuration must be valid for it (a new required
   * property, a shorter limit...). Throws one `CHASSIS_E_PROPS_INVALID` naming every resource
   * and violation.
   */
  assertValidFor(resourceIds: readonly string[], to: BagVersion): void {
    const failures = this.invalidFor(resourceIds, to);
    if (failures.length === 0) return;
    const d = to.descriptor;
    throw new ChassisError(
      'CHASSIS_E_PROPS_INVALID',
      `The configuration of ${failures.map((f) => f.resource).join(', ')} is not valid for ${d.id}@${d.version}; configure values valid for both versions, then upgrade again`,
      { details: { driver: d.id, version: d.version, resources: failures } },
    );
  }
}
