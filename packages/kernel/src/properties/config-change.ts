import type { PropertyDescriptor } from '../descriptor/driver-descriptor.js';
import type { PropertyBag } from '../driver/driver-definition.js';
import { SECRET_MASK } from './mask.js';
import { type ValidateOptions, validateProperties } from './validate.js';

/**
 * A change to a configuration: a value sets the key, `null` removes it (its default applies
 * again), `undefined` leaves it as it is. A secret sent back as {@link SECRET_MASK} (a form that
 * displayed the masked value and was submitted unchanged) keeps the current secret.
 */
export type ConfigChange = Readonly<Record<string, unknown>>;

/**
 * Applies `change` to `current` and validates the result as a whole before anything is applied:
 * returns the new frozen bag, or throws `CHASSIS_E_PROPS_INVALID` with every violation, in which
 * case the caller keeps `current` in force. Pure: neither argument is modified.
 */
export function applyConfigChange(
  descriptor: readonly PropertyDescriptor[],
  current: PropertyBag | undefined,
  change: ConfigChange,
  options: ValidateOptions = {},
): PropertyBag {
  const secrets = new Set(descriptor.filter((p) => p.secret).map((p) => p.key));
  const next: Record<string, unknown> = { ...current };
  for (const key of Object.keys(change)) {
    const value = change[key];
    if (value === undefined) continue;
    if (value === SECRET_MASK && secrets.has(key)) continue;
    if (value === null) {
      delete next[key];
    } else {
      Object.defineProperty(next, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return validateProperties(descriptor, next, options);
}
