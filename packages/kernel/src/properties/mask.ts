import type { PropertyDescriptor } from '../descriptor/driver-descriptor.js';

/** What a secret value is shown as in every API, CLI and log output. */
export const SECRET_MASK = '••••••';

/**
 * A copy of `bag` with every present `secret: true` value replaced by {@link SECRET_MASK}.
 * Keys the descriptor does not know are masked too: when in doubt, hide. Absent secrets stay
 * absent, so a form can still tell "not set" from "set".
 */
export function maskSecrets<T extends Readonly<Record<string, unknown>>>(
  descriptor: readonly PropertyDescriptor[],
  bag: T,
): Readonly<Record<keyof T, unknown>> {
  const known = new Map(descriptor.map((p) => [p.key, p]));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(bag)) {
    const value = bag[key];
    const p = known.get(key);
    const hide = value !== undefined && value !== null && (p === undefined || p.secret === true);
    Object.defineProperty(out, key, {
      value: hide ? SECRET_MASK : value,
      enumerable: true,
    });
  }
  return Object.freeze(out) as Readonly<Record<keyof T, unknown>>;
}
