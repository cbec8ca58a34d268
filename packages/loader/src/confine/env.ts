/**
 * The environment a driver receives: only the allow-listed names that the host has, never a
 * `CHASSIS_*` variable (host secrets such as `CHASSIS_SECRET_KEY` and `CHASSIS_ADMIN_TOKENS`),
 * plus the loader's own additions. Pure.
 */
export function driverEnv(
  allow: readonly string[],
  host: NodeJS.ProcessEnv,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of allow) {
    if (name.startsWith('CHASSIS_')) continue;
    const value = host[name];
    if (value !== undefined) out[name] = value;
  }
  return { ...out, ...extra };
}
