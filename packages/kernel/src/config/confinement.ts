import type { DriverPermissions } from '../descriptor/driver-descriptor.js';
import type { ConfinementConfig } from './kernel-config.js';

/** Resource limits of one driver environment, as shown in the driver summary. */
export interface DriverLimits {
  /** V8 old-generation heap cap (MiB). */
  readonly heapMb: number;
  /** Largest argument list / result / log record crossing the tier boundary (bytes). */
  readonly maxMessageBytes: number;
}

/** What one driver gets: the outcome of the vendor's request and the operator's config. */
export interface DriverConfinement {
  /** Listed in `confinement.trusted` (may run in the `worker` / `in-process` tier). */
  readonly trusted: boolean;
  /** Names of the host environment variables the driver receives. */
  readonly env: readonly string[];
  /** Permissions both requested in `driver.yaml` and granted by the operator. */
  readonly permissions: Required<DriverPermissions>;
  /** Requested but not granted, one entry per permission (`childProcess`, `read:/etc/ssl`). */
  readonly refused: readonly string[];
  readonly limits: DriverLimits;
}

/**
 * True when `id` is trusted by `trusted`: an exact id, a vendor prefix ending in `.` that the
 * id starts with, or `*`. A prefix never matches by accident (`com.example` without the dot is
 * an exact id and does not trust `com.examples.x`). Pure.
 */
export function isTrustedDriver(trusted: readonly string[], id: string): boolean {
  return trusted.some((t) => t === '*' || t === id || (t.endsWith('.') && id.startsWith(t)));
}

function covered(granted: readonly string[], path: string): boolean {
  const clean = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  const want = clean(path);
  return granted.some((g) => {
    const base = clean(g);
    return want === base || want.startsWith(base === '/' ? '/' : `${base}/`);
  });
}

/**
 * Combines a driver's `permissions:` request with the operator's confinement config: trust,
 * the environment allow-list (default plus per driver; `CHASSIS_*` never), the permissions
 * requested AND granted, those refused, and the limits (default, per-driver override). Pure.
 */
export function resolveConfinement(
  config: ConfinementConfig,
  driver: { readonly id: string; readonly permissions?: DriverPermissions },
): DriverConfinement {
  const own = config.drivers[driver.id] ?? {};
  const grants = own.grants ?? {};
  const asked = driver.permissions ?? {};
  const refused: string[] = [];
  const flag = (name: 'childProcess' | 'worker' | 'addons'): boolean => {
    if (asked[name] !== true) return false;
    if (grants[name] === true) return true;
    refused.push(name);
    return false;
  };
  const permissions = {
    childProcess: flag('childProcess'),
    worker: flag('worker'),
    addons: flag('addons'),
    read: (asked.read ?? []).filter((p) => {
      if (covered(grants.read ?? [], p)) return true;
      refused.push(`read:${p}`);
      return false;
    }),
  };
  const env = [...new Set([...config.env, ...(own.env ?? [])])].filter(
    (n) => !n.startsWith('CHASSIS_'),
  );
  return {
    trusted: isTrustedDriver(config.trusted, driver.id),
    env,
    permissions,
    refused,
    limits: {
      heapMb: own.heapMb ?? config.heapMb,
      maxMessageBytes: own.maxMessageBytes ?? config.maxMessageBytes,
    },
  };
}
