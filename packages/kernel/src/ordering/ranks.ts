/**
 * Start ranks of the built-in categories: networks come up before the storage that may sit on
 * them, and storage before the hypervisors whose VMs use both. Lower ranks start first.
 */
export const DEFAULT_CATEGORY_RANKS: Readonly<Record<string, number>> = Object.freeze({
  network: 0,
  storage: 1,
  hypervisor: 2,
});

/**
 * The effective rank table: the built-in ranks plus `extra` (extra entries win, so an operator
 * may also move a built-in category).
 */
export function resolveRanks(
  extra?: Readonly<Record<string, number>>,
): Readonly<Record<string, number>> {
  return Object.freeze({ ...DEFAULT_CATEGORY_RANKS, ...extra });
}

/** Plain code-unit comparison: identical on every machine, unlike `localeCompare`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
