/**
 * Compares two dotted versions numerically (`2.10.0` > `2.9.1`); a pre-release sorts before its
 * release. Enough for the fake runtime; the real runtime uses semver.
 */
export function compareVersions(a: string, b: string): number {
  const [ca, pa = ''] = a.split('-', 2);
  const [cb, pb = ''] = b.split('-', 2);
  const na = (ca ?? '').split('.').map(Number);
  const nb = (cb ?? '').split('.').map(Number);
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (na[i] ?? 0) - (nb[i] ?? 0);
    if (d !== 0) return d;
  }
  if (pa === pb) return 0;
  if (pa === '') return 1;
  if (pb === '') return -1;
  return pa < pb ? -1 : 1;
}
